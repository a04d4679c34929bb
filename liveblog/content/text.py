"""Text normalisation shared by rubrics, search and every plain-text field."""

import re
import unicodedata

from django.utils.html import strip_tags


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Élections " and "elections" fold alike."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# What strip_tags leaves of a tag it cannot parse (“<![”): removed by hand instead.
LEFTOVER_TAG = re.compile(r"<[^>]*>?")


def plain(value: str) -> str:
    """Text that will never be HTML: tags removed, spaces tidied (templates escape the rest)."""
    value = without_nul(value or "")
    try:
        text = strip_tags(value)
    except AssertionError:  # Python's HTML parser gives up on “<![>” and the like
        text = LEFTOVER_TAG.sub("", value)
    return " ".join(text.split())


def without_nul(value: str) -> str:
    """NUL is no character anyone types, and PostgreSQL refuses to store it: dropped."""
    return value.replace("\0", "")
