from django.db import models
from django.utils.translation import gettext_lazy as _


class EventQuerySet(models.QuerySet):
    def after(self, seq: int) -> "EventQuerySet":
        """The events a reader at `seq` has not had yet, in order."""
        return self.filter(seq__gt=seq).order_by("seq")

    def up_to(self, seq: int) -> "EventQuerySet":
        """The events up to and including `seq`: a log read as it stood at that position."""
        return self.filter(seq__lte=seq)


class Event(models.Model):
    """One change readers must see, numbered without gaps within its session.

    Written in the same transaction as the change it describes (see
    liveblog.domain.events.record_event), so the log and the posts never disagree, and
    carrying the HTML readers receive, rendered once when the event is written.
    """

    class Kind(models.TextChoices):
        POST_PUBLISHED = "post.published", _("post published")
        POST_UPDATED = "post.updated", _("post updated")
        POST_DELETED = "post.deleted", _("post deleted")
        SESSION_UPDATED = "session.updated", _("session updated")
        POLL_RESULTS = "poll.results", _("poll results")

    session = models.ForeignKey("LiveSession", on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField(_("sequence number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    data = models.JSONField(default=dict, blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="event_seq_unique"),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="event_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq} {self.kind}"

    def as_message(self) -> dict:
        """What a reader receives for this event, over the websocket or the catch-up URL."""
        return {"seq": self.seq, "kind": self.kind, "html": self.html, **self.data}
