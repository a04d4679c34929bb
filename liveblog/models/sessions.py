from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Ended lives stay on the home page (and in the API's list) this long.
RECENT_ENDED = timedelta(days=30)
# Past a day back, a post is an archive entry: an editor's call, not a journalist's.
MAX_BACKDATE_MINUTES = 24 * 60

# The site's own addresses where a live's slug would stand (/editor/photos/, /editor/new/,
# /live/alerts/…/stop/, /api/lives/): a live named so would be hidden by them, or hide them.
# tests/domain/test_lives.py reads every fixed segment under /editor/, /live/ and /api/.
RESERVED_SLUGS = frozenset({"alerts", "lives", "login", "logout", "new", "photos"})


def refuse_reserved_slug(slug: str) -> None:
    """The slug field's validator: the desk, the admin and an archive import all refuse them."""
    if slug.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _(
                "The slug “%(slug)s” is reserved: the site already uses this address. "
                "Choose another slug."
            ),
            code="reserved_slug",
            params={"slug": slug},
        )


class LiveSessionQuerySet(models.QuerySet):
    def for_reader(self) -> "LiveSessionQuerySet":
        """With what the top of a reader's page shows: the lead photo, its credit and sizes."""
        return self.select_related("lead_photo__credit").prefetch_related("lead_photo__renditions")

    def on_home(self) -> "LiveSessionQuerySet":
        """What the home page and the API list: `listed()` without lives ended long ago."""
        recent = timezone.now() - RECENT_ENDED
        return (
            self.listed()
            .exclude(status=LiveSession.Status.ENDED, ended_at__lt=recent)
            .select_related("lead_photo__credit")
        )

    def due_to_start(self, at) -> "LiveSessionQuerySet":
        """Scheduled lives whose planned start has come by `at`, the earliest first."""
        return self.filter(status=LiveSession.Status.SCHEDULED, scheduled_for__lte=at).order_by(
            "scheduled_for", "id"
        )

    def due_to_end(self, at) -> "LiveSessionQuerySet":
        """Running lives whose planned end has come by `at`, the earliest first."""
        return self.filter(status=LiveSession.Status.LIVE, scheduled_end__lte=at).order_by(
            "scheduled_end", "id"
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

    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, validators=[refuse_reserved_slug]
    )
    headline = models.CharField(_("headline"), max_length=200)
    standfirst = models.TextField(
        _("standfirst"), blank=True, help_text=_("Two or three sentences under the headline.")
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("The key points so far, one per line: shown as a list above the posts."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    scheduled_for = models.DateTimeField(_("planned start"), null=True, blank=True)
    # The scheduler (liveblog.domain.scheduling) starts and ends the live at these times.
    scheduled_end = models.DateTimeField(_("planned end"), null=True, blank=True)
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
    # Editors' rule for journalists' "displayed time": how far back they may set it
    # (a post written from notes of a moment ago); 0, only editors set it.
    journalist_backdate_minutes = models.PositiveSmallIntegerField(
        _("journalists may backdate by (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_BACKDATE_MINUTES)],
    )
    journalists_review = models.BooleanField(
        _("journalists review contributions"),
        default=False,
        help_text=_(
            "The live's journalists see the contributors' review queue and may publish from it."
        ),
    )
    journalists = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned people"),
        blank=True,
        related_name="live_sessions",
    )
    rubrics = models.ManyToManyField(
        "Rubric",
        verbose_name=_("rubrics offered"),
        blank=True,
        related_name="live_sessions",
        help_text=_("The rubrics the desk suggests for this live's posts."),
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
            models.CheckConstraint(
                condition=Q(scheduled_end__isnull=True)
                | Q(scheduled_for__isnull=True)
                | Q(scheduled_end__gt=F("scheduled_for")),
                name="session_planned_end_after_start",
                violation_error_message=_("The planned end must come after the planned start."),
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("live:session", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def summary_points(self) -> list[str]:
        """The summary's lines, each one bullet point for readers."""
        return [line.strip() for line in self.summary.splitlines() if line.strip()]
