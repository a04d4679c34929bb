from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The audit log's name for each change of a session's status.
STATUS_ACTIONS = {
    "live": "session.started",
    "ended": "session.ended",
    "archived": "session.archived",
}


# Ended lives stay on the home page (and in the API's list) this long.
RECENT_ENDED = timedelta(days=30)


class LiveSessionQuerySet(models.QuerySet):
    def on_home(self) -> "LiveSessionQuerySet":
        """What the home page and the API list: `listed()` without lives ended long ago."""
        recent = timezone.now() - RECENT_ENDED
        return (
            self.listed()
            .exclude(status=LiveSession.Status.ENDED, ended_at__lt=recent)
            .select_related("lead_photo__credit")
        )

    def listed(self) -> "LiveSessionQuerySet":
        """Home page order: live first, then scheduled (soonest first), then recently ended."""
        order = models.Case(
            models.When(status=LiveSession.Status.LIVE, then=0),
            models.When(status=LiveSession.Status.SCHEDULED, then=1),
            default=2,
        )
        return (
            self.exclude(status=LiveSession.Status.ARCHIVED)
            .annotate(listing_order=order)
            .order_by(
                "listing_order",
                F("scheduled_for").asc(nulls_last=True),
                F("ended_at").desc(nulls_last=True),
                F("started_at").desc(nulls_last=True),
                "-id",
            )
        )


class LiveSession(models.Model):
    """One live blog (“direct”): a headline, a standfirst and a stream of posts."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        LIVE = "live", _("live")
        ENDED = "ended", _("ended")
        ARCHIVED = "archived", _("archived")

    class Language(models.TextChoices):
        FR = "fr", "Français"
        EN = "en", "English"

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    headline = models.CharField(_("headline"), max_length=200)
    standfirst = models.TextField(
        _("standfirst"), blank=True, help_text=_("Two or three sentences under the headline.")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    scheduled_for = models.DateTimeField(_("planned start"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    lead_photo = models.ForeignKey(
        "Photo",
        verbose_name=_("lead photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    credits = models.TextField(
        _("credits of the live"),
        blank=True,
        help_text=_("“Who is running this live?”: the people and agencies behind it."),
    )
    accepts_questions = models.BooleanField(
        _("readers may send questions"),
        default=False,
        help_text=_("Readers see a form to ask the newsroom; nothing is shown until answered."),
    )
    journalists = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned people"),
        blank=True,
        related_name="live_sessions",
    )
    # The event log's counter: the seq of the last event written for this session.
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    # Set while the channel layer refuses this session's events (Redis down): the
    # desk tells journalists their posts are saved but reach readers late.
    delivery_delayed_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "live", "ended", "archived"]),
                name="session_status_known",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["fr", "en"]), name="session_language_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="live") | Q(started_at__isnull=False),
                name="session_live_has_start",
                violation_error_message=_("A live session needs its start time."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(started_at__isnull=False, ended_at__isnull=False),
                name="session_ended_has_times",
                violation_error_message=_("An ended session needs its start and end times."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(ended_at__gte=F("started_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("live:session", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    def published_posts(self):
        return self.posts.published()

    def start(self, *, by=None, at=None) -> None:
        self._change_status(self.Status.LIVE, started_at=at or timezone.now(), by=by)

    def end(self, *, by=None, at=None) -> None:
        self._change_status(self.Status.ENDED, ended_at=at or timezone.now(), by=by)

    def archive(self, *, by=None, at=None) -> None:
        self._change_status(self.Status.ARCHIVED, archived_at=at or timezone.now(), by=by)

    def update_header(self, *, by=None, **fields) -> None:
        """Change what readers see above the posts: headline, standfirst, lead photo, credits."""
        allowed = {"headline", "standfirst", "lead_photo", "credits"}
        if unknown := set(fields) - allowed:
            raise TypeError(f"not header fields: {', '.join(sorted(unknown))}")
        from liveblog.domain.audit import changed_values, record_change

        with transaction.atomic():
            changes = changed_values(self, fields)
            for name, value in fields.items():
                setattr(self, name, value)
            self.full_clean()
            # Only these fields: a stale copy must not write back last_seq, which posts
            # published since have moved on (the next event's seq would be taken).
            self.save(update_fields=[*fields, "updated_at"])
            self._record_header_change()
            if changes:
                record_change("session.header_updated", by=by, session=self, detail=changes)

    def _change_status(self, status, *, by=None, **times) -> None:
        from liveblog.domain.audit import changed_values, record_change

        with transaction.atomic():
            changes = changed_values(self, {"status": status, **times})
            self.status = status
            for name, value in times.items():
                setattr(self, name, value)
            if status == self.Status.ENDED and not self.started_at:
                self.started_at = self.ended_at
            self.full_clean()
            self.save(update_fields={"status", "started_at", *times, "updated_at"})
            self._record_header_change()
            record_change(STATUS_ACTIONS[status], by=by, session=self, detail=changes)

    def _record_header_change(self) -> None:
        from liveblog.domain.events import record_event

        record_event(self, "session.updated")
