"""Text normalisation shared by rubrics and search."""

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Élections " and "elections" fold alike."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
