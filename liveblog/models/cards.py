from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LinkCard(models.Model):
    """What another site says about one of its URLs (oEmbed for social posts and videos,
    OpenGraph for articles), fetched once per URL and shown by our own HTML.

    The card belongs to the URL, not to a block: a post's blocks are rewritten on every
    save, and the same video may be embedded in three posts. Blocks point to it.

    The worker reads it (liveblog.desk.cards), never the journalist's request: a card
    asked for is `requested_at` until read, `claimed_at` while one worker reads it.
    """

    class Status(models.TextChoices):
        OK = "ok", _("read")
        FAILED = "failed", _("could not be read")
        PENDING = "pending", _("being read")

    url = models.URLField(_("URL"), max_length=500, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Why the last fetch failed, in plain words for logs and the desk ("timed out", "loopback").
    failure = models.CharField(_("failure"), max_length=200, blank=True)
    provider = models.CharField(_("provider"), max_length=60, blank=True)
    site_name = models.CharField(_("site name"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    author_url = models.URLField(_("author URL"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # A copy in our media, never the provider's address: the pages' CSP allows images
    # from our own origin only, and a hotlinked image would tell the provider who reads us.
    image = models.ImageField(
        _("image"),
        upload_to="cards/%Y/%m/",
        width_field="image_width",
        height_field="image_height",
        blank=True,
    )
    image_width = models.PositiveIntegerField(null=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, editable=False)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    # A fetch asked of the worker and not yet done: the desk says the card is being read.
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    # Since when one worker reads it: no other reads the same URL meanwhile.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("link card")
        verbose_name_plural = _("link cards")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["ok", "failed", "pending"]), name="link_card_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def is_read(self) -> bool:
        return self.status == self.Status.OK

    @property
    def is_being_read(self) -> bool:
        return self.requested_at is not None
