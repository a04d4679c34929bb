"""What crawlers read from a page: its JSON-LD blocks, meta tags and links, parsed."""

import json
from html.parser import HTMLParser


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.json_ld: list[dict] = []
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self._in_json_ld = False
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld, self._buffer = True, ""
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link" and "rel" in attrs:
            self.links[attrs["rel"]] = attrs.get("href", "")

    def handle_data(self, data):
        if self._in_json_ld:
            self._buffer += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_json_ld:
            self.json_ld.append(json.loads(self._buffer))
            self._in_json_ld = False


def read_head(html: str) -> HeadReader:
    reader = HeadReader()
    reader.feed(html)
    return reader


def json_ld(html: str) -> dict:
    """The page's one JSON-LD object (a page carrying two would be ambiguous for crawlers)."""
    blocks = read_head(html).json_ld
    assert len(blocks) == 1, f"expected one JSON-LD block, found {len(blocks)}"
    return blocks[0]
