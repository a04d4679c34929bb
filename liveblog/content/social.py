"""Embedded social posts and videos, recognised by their URL.

Readers get a card drawn by our own HTML (liveblog.content.cards reads what the
provider says about the post), never the provider's script: nothing from a third
party loads until the reader asks. A YouTube video then plays in YouTube's
privacy-enhanced player (the one origin the CSP lets into a frame); a post on X,
Bluesky or Instagram opens on its site, since showing it in place would mean
running that site's script on our pages.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

PROVIDERS = {
    "x.com": "X",
    "twitter.com": "X",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "bsky.app": "Bluesky",
    "instagram.com": "Instagram",
}

YOUTUBE_PLAYER = "https://www.youtube-nocookie.com/embed/{id}?autoplay=1"
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


@dataclass(frozen=True)
class Embed:
    url: str
    provider: str
    is_video: bool

    @property
    def is_known(self) -> bool:
        return self.provider in PROVIDERS.values()

    @property
    def player_url(self) -> str:
        """Where the video plays in place once the reader asks, or "" (not a playable video)."""
        video = youtube_video_id(self.url) if self.provider == "YouTube" else ""
        return YOUTUBE_PLAYER.format(id=video) if video else ""


def describe_embed(url: str) -> Embed:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    provider = PROVIDERS.get(host, host)
    return Embed(url=url, provider=provider, is_video=provider == "YouTube")


def youtube_video_id(url: str) -> str:
    """The video's id in youtu.be/ID, youtube.com/watch?v=ID, /shorts/ID, /live/ID, /embed/ID."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    segments = [segment for segment in parts.path.split("/") if segment]
    if host == "youtu.be" and segments:
        candidate = segments[0]
    elif host == "youtube.com" and segments[:1] == ["watch"]:
        candidate = parse_qs(parts.query).get("v", [""])[0]
    elif (
        host == "youtube.com" and len(segments) >= 2 and segments[0] in ("shorts", "live", "embed")
    ):
        candidate = segments[1]
    else:
        return ""
    return candidate if YOUTUBE_ID.match(candidate) else ""
