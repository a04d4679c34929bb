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


class FormReader(HTMLParser):
    """The values a browser sends from the page's first `<form data-composer>`: its fields
    as rendered, the `<template>`s the page copies blocks from left out, no button."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = self._in_template = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-composer" in attrs and not self.values:
            self._in_form = True
        if tag == "template":
            self._in_template = True
        if not self._in_form or self._in_template:
            return
        if tag == "option" and self._select:
            self._option(attrs)
        if not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input" and attrs.get("type") not in ("file", "submit", "checkbox", "radio"):
            self.values[name] = attrs.get("value") or ""
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio") and "checked" in attrs:
            self.values[name] = attrs.get("value") or "on"
        elif tag == "textarea":
            self._textarea, self.values[name] = name, ""
        elif tag == "select":
            self._select = name

    def _option(self, attrs: dict) -> None:
        # The selected option, or else the first one, as a browser picks it.
        if "selected" in attrs or self._select not in self.values:
            self.values[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template = False
        elif tag == "textarea" and self._textarea:
            # A browser drops the line break that opens a textarea's content.
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def composer_fields(html: str) -> dict[str, str]:
    """What the composer on this page sends if its person presses a button without typing."""
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.values
