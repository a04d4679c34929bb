"""What the desk keeps beside the posts: revisions, autosaved drafts and who is here."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The desk sends a heartbeat every 15 s; twice that tolerates one lost beat.
PRESENCE_WINDOW = timedelta(seconds=30)


class Revision(models.Model):
    """A post as it was saved at one version: who, when, and the content itself."""

    post = models.ForeignKey("Post", on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    title = models.CharField(_("title"), max_length=200, blank=True)
    rubric = models.CharField(_("rubric"), max_length=60, blank=True)
    blocks = models.JSONField(_("blocks"), default=list)
    # The note readers saw with this version ("Correction: …"): the post's public history.
    correction = models.CharField(_("correction note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["post", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["post", "version"], name="revision_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} v{self.version}"


class Draft(models.Model):
    """The composer's content as last autosaved by one person, for a new post or an edit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey("LiveSession", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("Post", on_delete=models.CASCADE, null=True, blank=True)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("autosaved draft")
        verbose_name_plural = _("autosaved drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session"],
                condition=Q(post__isnull=True),
                name="draft_one_new_post_per_user",
            ),
            models.UniqueConstraint(
                fields=["user", "post"],
                condition=Q(post__isnull=False),
                name="draft_one_edit_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.session_id}/{self.post_id}"

    @classmethod
    def keep(cls, user, session, post, data: dict) -> "Draft":
        draft, _created = cls.objects.update_or_create(
            user=user,
            session=session,
            post=post,
            defaults={"data": data, "saved_at": timezone.now()},
        )
        return draft

    @classmethod
    def find(cls, user, session, post=None) -> "Draft | None":
        return cls.objects.filter(user=user, session=session, post=post).first()

    @classmethod
    def discard(cls, user, session, post=None) -> None:
        cls.objects.filter(user=user, session=session, post=post).delete()


class Presence(models.Model):
    """The last time someone's desk for a session said it was open."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey("LiveSession", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="presence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.session_id}"

    @classmethod
    def heartbeat(cls, user, session) -> None:
        cls.objects.update_or_create(
            user=user, session=session, defaults={"seen_at": timezone.now()}
        )

    @classmethod
    def others_here(cls, session, user) -> list:
        """The other people whose desk for this session spoke in the last 30 seconds."""
        since = timezone.now() - PRESENCE_WINDOW
        present = (
            cls.objects.filter(session=session, seen_at__gte=since)
            .exclude(user=user)
            .select_related("user")
            .order_by("user__first_name", "user__username")
        )
        return [presence.user for presence in present]
