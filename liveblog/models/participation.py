"""What readers send in: questions to the newsroom and votes in polls.

A question is private until someone on the desk answers it in a post (which quotes it in a
`question` block); a poll lives in a post's `poll` block and counts its votes per choice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuestionQuerySet(models.QuerySet):
    def pending(self) -> "QuestionQuerySet":
        return self.filter(status=Question.Status.PENDING)

    def oldest_first(self) -> "QuestionQuerySet":
        return self.order_by("created_at", "id")


class Question(models.Model):
    """A reader's question to the newsroom, waiting for a person's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        ANSWERED = "answered", _("answered")
        DISCARDED = "discarded", _("discarded")

    session = models.ForeignKey(
        "LiveSession",
        verbose_name=_("live session"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    text = models.TextField(_("question"))
    name = models.CharField(_("reader's name"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.ForeignKey(
        "Post",
        verbose_name=_("answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_questions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("reader's question")
        verbose_name_plural = _("readers' questions")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "answered", "discarded"]),
                name="question_status_known",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="question_text_present"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Poll(models.Model):
    """A question put to readers in a post, with two to six choices, open until `closes_at`."""

    question = models.CharField(_("question"), max_length=200)
    closes_at = models.DateTimeField(_("closes at"))
    # Coalescing of the results events (liveblog.domain.polls): when the last one was
    # written, and whether votes have come in since.
    results_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    results_dirty = models.BooleanField(default=False, editable=False)
    closing_announced = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(condition=~Q(question=""), name="poll_question_present"),
        ]

    def __str__(self) -> str:
        return self.question

    def is_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.closes_at

    @property
    def turnout(self) -> int:
        return sum(choice.votes for choice in self.choices.all())

    def total_votes(self) -> int:
        return self.choices.aggregate(total=Sum("votes"))["total"] or 0


class PollChoice(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("choice"), max_length=100)
    votes = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("poll choice")
        verbose_name_plural = _("poll choices")
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_choice_position"),
            models.CheckConstraint(condition=~Q(label=""), name="poll_choice_label_present"),
        ]

    def __str__(self) -> str:
        return self.label

    def share_of(self, total: int) -> int:
        """This choice's share of `total` votes, in whole percent."""
        return round(100 * self.votes / total) if total else 0


class PushSubscription(models.Model):
    """A reader's browser asking to be alerted of a live's key events (Web Push)."""

    session = models.ForeignKey(
        "LiveSession",
        verbose_name=_("live session"),
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
    )
    endpoint = models.URLField(_("push endpoint"), max_length=1000)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    # In each alert's unsubscribe link: knowing it is the right to unsubscribe.
    token = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["session", "endpoint"], name="push_once_per_live"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.endpoint[:60]}"

    def as_webpush(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class KeyEventAlert(models.Model):
    """A key post's alert, written once: the record that it was (being) sent."""

    post = models.OneToOneField("Post", on_delete=models.CASCADE, related_name="alert")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered = models.PositiveIntegerField(default=0)
    dropped = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"alert for post {self.post_id}"
