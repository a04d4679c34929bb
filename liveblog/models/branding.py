"""The newsroom's name, logo and colours: set once by an admin, used on every public page,
share card, feed and structured data."""

import re
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from liveblog.resilient_cache import ResilientCache

CACHE_KEY = "liveblog:branding"
MEMO_SECONDS = 2.0
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Text in the brand colour sits on white (times, links); buttons carry white or black text on it.
MINIMUM_CONTRAST = 4.5
# The headline face: system stacks only, nothing fetched from another site.
FONT_STACKS = {
    "serif": '"Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua", Georgia, '
    '"Noto Serif", "DejaVu Serif", serif',
    "sans": 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif',
    "slab": 'Rockwell, "Roboto Slab", "Noto Serif", "DejaVu Serif", serif',
}


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# An unreachable Redis is a miss here as on every page (the defaults, or the database).
cache = ResilientCache("the newsroom's branding")


class Branding(models.Model):
    """One row: the newsroom as readers see it. Without one, the defaults below apply."""

    # (until when, the branding) as `current` last gave it: the saved one or the defaults.
    _memo: tuple[float, "Branding | None"] = (0.0, None)

    class HeadlineFont(models.TextChoices):
        SERIF = "serif", _("Serif (classic newspaper)")
        SANS = "sans", _("Sans-serif (modern)")
        SLAB = "slab", _("Slab serif")

    name = models.CharField(
        _("newsroom name"), max_length=120, help_text=_("Shown in every page's header.")
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="branding/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        help_text=_("PNG or JPEG, about 600 by 120 pixels; search engines show it too."),
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#b00020",
        help_text=_("As #rrggbb: times, the live dot, buttons and the header's rule."),
    )
    headline_font = models.CharField(
        _("headline font"),
        max_length=10,
        choices=HeadlineFont.choices,
        default=HeadlineFont.SERIF,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("newsroom branding")
        verbose_name_plural = _("newsroom branding")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.pk = 1  # one newsroom
        super().save(*args, **kwargs)
        cache.delete(CACHE_KEY)
        Branding.forget()

    def clean(self) -> None:
        if not HEX_COLOUR.match(self.colour or ""):
            raise ValidationError(
                {"colour": _("Give the colour as # and six hexadecimal digits, like #b00020.")}
            )
        ratio = contrast(self.colour, "#ffffff")
        if ratio < MINIMUM_CONTRAST:
            raise ValidationError(
                {
                    "colour": _(
                        "This colour is too light to read on white (contrast %(ratio).1f:1, "
                        "at least 4.5:1 is needed): choose a darker shade."
                    )
                    % {"ratio": ratio}
                }
            )

    @property
    def ink(self) -> str:
        """White or black, whichever reads better on the brand colour."""
        return "#ffffff" if contrast(self.colour, "#ffffff") >= MINIMUM_CONTRAST else "#111111"

    @property
    def headline_stack(self) -> str:
        return FONT_STACKS.get(self.headline_font, FONT_STACKS["serif"])

    @property
    def version(self) -> str:
        """Changes whenever an admin saves: the stylesheet's URL carries it, so caches renew."""
        return f"{self.updated_at.timestamp():.0f}" if self.updated_at else "0"

    @classmethod
    def current(cls) -> "Branding":
        """The saved branding, or the defaults (PUBLISHER_NAME, the red of the demo).

        Kept in the process for MEMO_SECONDS: a page asks for it several times (its ETag,
        the page cache's key, the templates), and each ask was a round trip to the shared
        cache. Another process's admin change shows here within that time; this process's
        own at once. The defaults are kept as one object too, rather than a model instance
        made at each ask (7 µs each, two or three asks per request)."""
        expires, kept = cls._memo
        now = time.monotonic()
        if kept is not None and now < expires:
            return kept
        saved = cache.get(CACHE_KEY)
        if saved is None:
            # False stands for "none saved", so the defaults are not looked up every time.
            saved = cls.objects.filter(pk=1).first() or False
            cache.set(CACHE_KEY, saved, 60)
        kept = saved or cls(name=settings.PUBLISHER_NAME)
        cls._memo = (now + MEMO_SECONDS, kept)
        return kept

    @classmethod
    def forget(cls) -> None:
        """Ask the shared cache again next time (after a save, or between tests)."""
        cls._memo = (0.0, None)
