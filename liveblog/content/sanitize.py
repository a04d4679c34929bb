"""Journalists' HTML, cut down to an allow-list whatever the editor sends."""

import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "a", "ul", "ol", "li"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
STARTS_WITH_BLOCK = re.compile(r"^<(p|ul|ol)[\s>]")


def sanitize_html(html: str) -> str:
    """Allowed tags only; bare text becomes paragraphs, one per blank-line-separated chunk."""
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()
    if not clean or STARTS_WITH_BLOCK.match(clean):
        return clean
    chunks = [c.strip() for c in re.split(r"\n\s*\n", clean) if c.strip()]
    return "".join(f"<p>{chunk}</p>" for chunk in chunks)
