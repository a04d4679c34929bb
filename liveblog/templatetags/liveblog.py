"""Times shown one way everywhere: “17H38” in French, “17:38” in English, always UTC."""

from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

register = template.Library()


@register.filter
def clock(moment: datetime | None) -> str:
    if moment is None:
        return ""
    moment = timezone.localtime(moment, timezone.UTC)
    if (get_language() or "fr").startswith("fr"):
        return f"{moment.hour}H{moment.minute:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


@register.filter
def same_day(moment: datetime | None, other: datetime | None) -> bool:
    """Whether two moments fall on the same UTC day (an update the same day needs no date)."""
    if moment is None or other is None:
        return True
    utc = timezone.UTC
    return timezone.localtime(moment, utc).date() == timezone.localtime(other, utc).date()


@register.filter
def day(moment: datetime | None) -> str:
    """“21 octobre 2025” / “21 October 2025”."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment, timezone.UTC), "j F Y")
