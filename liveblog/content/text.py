"""Text normalisation shared by rubrics, search and every plain-text field."""

import unicodedata

from django.utils.html import strip_tags


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Élections " and "elections" fold alike."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def plain(value: str) -> str:
    """Text that will never be HTML: tags removed, spaces tidied (templates escape the rest)."""
    return " ".join(strip_tags(value or "").split())
