"""Embedded social posts and videos, recognised by their URL.

Readers get a quoted link card, never the provider's script: nothing from a
third party loads until the reader follows the link.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

PROVIDERS = {
    "x.com": "X",
    "twitter.com": "X",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "bsky.app": "Bluesky",
    "instagram.com": "Instagram",
}


@dataclass(frozen=True)
class Embed:
    url: str
    provider: str
    is_video: bool


def describe_embed(url: str) -> Embed:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    provider = PROVIDERS.get(host, host)
    return Embed(url=url, provider=provider, is_video=provider == "YouTube")
