from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PhotoCredit(models.Model):
    """Who made an image and who distributes it, rendered one way everywhere."""

    photographer = models.CharField(_("photographer"), max_length=120, blank=True)
    agency = models.CharField(_("agency"), max_length=120, blank=True)
    via = models.CharField(
        _("via"), max_length=120, blank=True, help_text=_("Distributor, as in “Office X via AP”.")
    )

    class Meta:
        verbose_name = _("photo credit")
        verbose_name_plural = _("photo credits")
        ordering = ["agency", "photographer", "via"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(photographer="") | ~Q(agency=""),
                name="credit_names_someone",
                violation_error_message=_("A credit needs a photographer or an agency."),
            ),
            models.UniqueConstraint(fields=["photographer", "agency", "via"], name="credit_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """“© AP Photo/Jane Doe”, “© Jane Doe”, “© AP”, “© Office X via AP”."""
        if self.agency and self.photographer:
            who = f"{self.agency} Photo/{self.photographer}"
        else:
            who = self.agency or self.photographer
        if self.via:
            who = f"{who} via {self.via}"
        return f"© {who}"


class Photo(models.Model):
    image = models.ImageField(
        _("image"), upload_to="photos/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    credit = models.ForeignKey(
        PhotoCredit,
        verbose_name=_("credit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.caption or self.image.name
