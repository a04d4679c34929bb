from django.db import models
from django.utils.translation import gettext_lazy as _


class PhotoRendition(models.Model):
    """One resized copy of a photo for readers' screens: a width in one format, made once."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    photo = models.ForeignKey(
        "Photo", verbose_name=_("photo"), on_delete=models.CASCADE, related_name="renditions"
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    file = models.FileField(_("file"), upload_to="renditions/%Y/%m/")

    class Meta:
        verbose_name = _("photo rendition")
        verbose_name_plural = _("photo renditions")
        ordering = ["photo", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "format", "width"], name="rendition_unique_per_width"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=["webp", "jpeg"]), name="rendition_format_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.photo_id} {self.width}w {self.format}"
