"""What a URL's site says about it, for a card: oEmbed for social posts and videos,
OpenGraph tags for articles. Only words and one image address come back; the
provider's HTML is read for its text and never shown.

Every request goes through liveblog.content.fetching (deadline, size cap, public
addresses only). Providers' oEmbed endpoints are settings
(LIVEBLOG_OEMBED_ENDPOINTS), so tests point them at a local server.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

from liveblog.content.fetching import FetchRefused, fetch
from liveblog.content.social import describe_embed

HTML_TYPES = ("text/html", "application/xhtml+xml")
JSON_TYPES = ("application/json", "text/json", "text/javascript", "application/javascript")


@dataclass
class CardData:
    provider: str = ""
    site_name: str = ""
    title: str = ""
    text: str = ""
    author: str = ""
    author_url: str = ""
    published_at: datetime | None = None
    image_url: str = ""


def read_card(url: str) -> CardData:
    """The card for `url`, or FetchRefused saying why it could not be read."""
    embed = describe_embed(url)
    endpoint = settings.LIVEBLOG_OEMBED_ENDPOINTS.get(embed.provider) if embed.is_known else None
    if endpoint:
        fetched = fetch(endpoint.format(url=quote(url, safe="")), accept=JSON_TYPES)
        card = card_from_oembed(decoded_json(fetched.body))
        card.provider = embed.provider
        return card
    fetched = fetch(url, accept=HTML_TYPES)
    card = card_from_opengraph(fetched.body.decode(fetched.charset, errors="replace"), fetched.url)
    if embed.is_known:
        card.provider = embed.provider
    if not (card.title or card.text):
        raise FetchRefused("the page has no title")
    return card


def decoded_json(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except ValueError as error:
        raise FetchRefused("the provider's answer is not JSON") from error
    if not isinstance(data, dict):
        raise FetchRefused("the provider's answer is not an oEmbed object")
    return data


def card_from_oembed(data: dict) -> CardData:
    """oEmbed's fields; X and Bluesky put the post's words and date only in their `html`."""
    quoted = QuotedPost()
    quoted.feed(text(data.get("html")))
    return CardData(
        provider=text(data.get("provider_name"))[:60],
        site_name=text(data.get("provider_name"))[:120],
        title=text(data.get("title"))[:300],
        text=(quoted.words() or text(data.get("title")))[:5000],
        author=text(data.get("author_name"))[:200],
        author_url=web_address(text(data.get("author_url"))),
        published_at=parse_date(quoted.date),
        image_url=web_address(text(data.get("thumbnail_url"))),
    )


def card_from_opengraph(page: str, url: str) -> CardData:
    head = PageHead()
    head.feed(page)
    meta = head.meta
    image = meta.get("og:image") or meta.get("og:image:url") or meta.get("twitter:image", "")
    return CardData(
        site_name=meta.get("og:site_name", "")[:120] or (urlsplit(url).hostname or "")[:120],
        title=(meta.get("og:title") or meta.get("twitter:title") or head.title)[:300],
        text=(
            meta.get("og:description")
            or meta.get("twitter:description")
            or meta.get("description", "")
        )[:5000],
        author=meta.get("article:author", "")[:200]
        if not meta.get("article:author", "").startswith("http")
        else "",
        published_at=parse_date(meta.get("article:published_time", "")),
        image_url=web_address(urljoin(url, image)) if image else "",
    )


def text(value) -> str:
    return " ".join(unescape(value).split()) if isinstance(value, str) else ""


def web_address(url: str) -> str:
    return url[:500] if urlsplit(url).scheme in ("http", "https") else ""


DATE_FORMATS = ("%B %d, %Y at %I:%M %p", "%B %d, %Y")


def parse_date(value: str) -> datetime | None:
    """ISO 8601 (Bluesky, article:published_time) or “December 1, 2026” (X), in UTC."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
        for fmt in DATE_FORMATS:
            try:
                moment = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class PageHead(HTMLParser):
    """A page's <title> and its <meta> tags (OpenGraph `property`, or `name`)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta":
            key = (attributes.get("property") or attributes.get("name") or "").lower()
            content = text(attributes.get("content"))
            if key and content and key not in self.meta:
                self.meta[key] = content
        elif tag == "title" and not self.title:
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title = text(self.title + " " + data)


class QuotedPost(HTMLParser):
    """The words of the post in a provider's `<blockquote><p>…</p> — Name <a>date</a>` markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.date = ""
        self._depth_p = 0
        self._in_link = False
        self._link_text = ""

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._depth_p += 1
            self.paragraphs.append("")
        elif tag == "br" and self._depth_p:
            self.paragraphs[-1] += "\n"
        elif tag == "a" and not self._depth_p:
            self._in_link, self._link_text = True, ""

    def handle_endtag(self, tag):
        if tag == "p" and self._depth_p:
            self._depth_p -= 1
        elif tag == "a" and self._in_link:
            self._in_link = False
            # The last link after the words is the post's date.
            self.date = self._link_text.strip()

    def handle_data(self, data):
        if self._depth_p:
            self.paragraphs[-1] += data
        elif self._in_link:
            self._link_text += data

    def words(self) -> str:
        paragraphs = [
            "\n".join(" ".join(line.split()) for line in p.split("\n")) for p in self.paragraphs
        ]
        return "\n\n".join(p.strip() for p in paragraphs if p.strip())
