from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change to a post or a session: who made it, when, what, where from.

    Append-only: the database refuses UPDATE and DELETE on this table (triggers made by the
    migration). Nothing here is a foreign key, so deleting a person, a session or a post
    never has to touch the log: ids and a label are kept as they were at the time.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user_id = models.PositiveBigIntegerField(_("user id"), null=True, blank=True)
    username = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    live_session_id = models.PositiveBigIntegerField(
        _("live session id"), null=True, blank=True, db_index=True
    )
    session_label = models.CharField(_("live session"), max_length=200, blank=True)
    post_id = models.PositiveBigIntegerField(_("post id"), null=True, blank=True)
    post_label = models.CharField(_("post"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action}"

    @property
    def detail_lines(self) -> list[tuple[str, str]]:
        """The detail as (name, text) pairs; a change reads “old → new”."""
        lines = []
        for name, value in self.detail.items():
            if isinstance(value, dict) and set(value) == {"from", "to"}:
                value = f"{shown(value['from'])} → {shown(value['to'])}"
            elif isinstance(value, list):
                value = ", ".join(str(item) for item in value)
            lines.append((name, shown(value)))
        return lines


def shown(value) -> str:
    return "—" if value in (None, "") else str(value)
