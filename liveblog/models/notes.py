"""Desk notes: the private thread of the people on one live's desk. Never shown to readers."""

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# `@jeanne` names a colleague by username (letters, digits and . + - _ as Django allows).
MENTION = re.compile(r"(?<![\w@])@([\w.+-]*[\w+-])")


class DeskNoteQuerySet(models.QuerySet):
    def latest_first(self) -> "DeskNoteQuerySet":
        return self.order_by("-created_at", "-pk")


class DeskNote(models.Model):
    """One short message in a live's desk thread, optionally about one of its posts."""

    MAX_LENGTH = 1000

    session = models.ForeignKey("LiveSession", on_delete=models.CASCADE, related_name="desk_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    post = models.ForeignKey(
        "Post",
        verbose_name=_("about the post"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="desk_notes",
    )
    text = models.CharField(_("message"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = DeskNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("desk note")
        verbose_name_plural = _("desk notes")
        indexes = [models.Index(fields=["session", "created_at"], name="desk_note_thread")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="desk_note_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.text[:40]}"

    @property
    def mentioned(self) -> list[str]:
        """The usernames named with @ in the message, lower-cased, in order."""
        return list(dict.fromkeys(name.lower() for name in MENTION.findall(self.text)))
