"""Text normalisation shared by rubrics, search and every plain-text field, and paragraphs
as plain text and back."""

import re
import unicodedata
from html import escape
from html.parser import HTMLParser

from django.utils.html import strip_tags


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Élections " and "elections" fold alike."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# What strip_tags leaves of a tag it cannot parse (“<![”): removed by hand instead.
LEFTOVER_TAG = re.compile(r"<[^>]*>?")


def plain_to_html(text: str) -> str:
    """Plain text typed in a bare textarea as paragraphs: a blank line starts a new one,
    a single line break stays a line break. Nothing in it is read as a tag."""
    paragraphs = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return "".join(
        "<p>{}</p>".format("<br>".join(escape(line.strip()) for line in chunk.splitlines()))
        for chunk in paragraphs
        if chunk.strip()
    )


class _PlainText(HTMLParser):
    """Paragraph HTML read back as the words a person typed: a blank line between
    paragraphs and list items, a line break for <br>, a bullet before each item."""

    BREAKS = {"p", "ul", "ol", "li", "div", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in self.BREAKS:
            self.parts.append("\n\n")
            if tag == "li":
                self.parts.append("• ")

    def handle_endtag(self, tag):
        if tag in self.BREAKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))


def html_to_plain(html: str) -> str:
    reader = _PlainText()
    reader.feed(html or "")
    reader.close()
    text = "".join(reader.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


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
