"""What search engines and social networks read: schema.org JSON-LD and share tags.

Everything here works on objects the page already loaded (posts from
`for_display()`), so it adds no query to the live page.
"""

import html
import re

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import json_script, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from liveblog.models import Branding, LiveSession, Photo, Post
from liveblog.templatetags.liveblog import clock

DESCRIPTION_WORDS = 40
# Where a paragraph's HTML breaks a line: list items and paragraphs must not run together.
LINE_BREAKS = re.compile(r"</(?:p|li|h[1-6]|blockquote|div)>|<br\s*/?>", re.IGNORECASE)
# The logo search engines get when the newsroom has not uploaded one (static/liveblog/).
DEFAULT_LOGO = ("liveblog/logo.png", 600, 120)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def session_url(session: LiveSession) -> str:
    return absolute(session.get_absolute_url())


def post_page_url(post: Post) -> str:
    return absolute(reverse("live:post", kwargs={"slug": post.session.slug, "pk": post.pk}))


def post_headline(post: Post) -> str:
    """The post's title, or “Post at 17H38” for a one-line update without one."""
    return post.title or _("Post at %(time)s") % {"time": clock(post.published_at)}


def post_text(post: Post) -> str:
    """The post's words as plain text: paragraphs, list items, quotes and links, in order.

    A post of photos only is told by their captions, one of embeds only by their text, so
    no update is without a body.
    """
    parts = []
    for block in post.blocks.all():
        if block.kind == "paragraph":
            # Stored paragraphs are sanitised HTML: break lines where blocks end, drop the
            # tags, decode the entities.
            text = html.unescape(strip_tags(LINE_BREAKS.sub("\n", block.text)))
            parts.append("\n".join(line.strip() for line in text.splitlines() if line.strip()))
        elif block.kind == "quote":
            quote = f"« {block.text} »" if post.session.language == "fr" else f"“{block.text}”"
            parts.append(f"{quote} {block.attribution}".strip())
        elif block.kind == "embed" and block.text:
            source = ", ".join(filter(None, [block.attribution, block.embed.provider]))
            parts.append(f"{block.text} — {source}")
        elif block.kind == "link":
            parts.append(block.link_title)
    if not any(parts):
        for block in post.blocks.all():
            if block.kind == "photo":
                parts.append(block.photo.caption or block.photo.alt_text)
            elif block.kind == "embed":
                parts.append(block.text or block.url)
    return "\n\n".join(part for part in parts if part)


def post_photos(post: Post) -> list[Photo]:
    return [block.photo for block in post.blocks.all() if block.kind == "photo"]


def photo_url(photo: Photo) -> str:
    return absolute(photo.image.url)


def image_object(photo: Photo) -> dict:
    """A photo as schema.org ImageObject: Google wants its size, readers its caption and credit."""
    data = {
        "@type": "ImageObject",
        "url": photo_url(photo),
        "width": photo.width,
        "height": photo.height,
    }
    if photo.caption:
        data["caption"] = photo.caption
    if photo.credit_id:
        data["creditText"] = photo.credit.label
    return data


def description(text: str) -> str:
    return Truncator(" ".join(text.split())).words(DESCRIPTION_WORDS)


def ld_json(data: dict) -> SafeString:
    """A `<script type="application/ld+json">` data block (never executed, so CSP allows it).

    json_script escapes <, > and & so no text can close the tag; only the type differs.
    """
    tag = json_script(data)
    return mark_safe(tag.replace('type="application/json"', 'type="application/ld+json"', 1))


def publisher() -> dict:
    """The newsroom (admin's branding), with the logo search engines show beside its articles."""
    branding = Branding.current()
    if branding.logo:
        logo = (absolute(branding.logo.url), branding.logo_width, branding.logo_height)
    else:
        path, width, height = DEFAULT_LOGO
        logo = (absolute(static(path)), width, height)
    return {
        "@type": "Organization",
        "name": branding.name,
        "url": settings.SITE_URL,
        "logo": {"@type": "ImageObject", "url": logo[0], "width": logo[1], "height": logo[2]},
    }


def author_of(post: Post) -> dict:
    """The person who wrote the post, or the newsroom when the account has no name."""
    if name := post.author.get_full_name():
        return {"@type": "Person", "name": name}
    return newsroom()


def blog_posting(post: Post, url: str) -> dict:
    data = {
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "headline": post_headline(post),
        "datePublished": post.published_at.isoformat(),
        "dateModified": (post.edited_at or post.published_at).isoformat(),
        "articleBody": post_text(post) or post_headline(post),
        "inLanguage": post.session.language,
        "author": author_of(post),
    }
    if photos := post_photos(post):
        data["image"] = [image_object(photo) for photo in photos]
    if cited := citations(post):
        data["citation"] = cited
    return data


def citations(post: Post) -> list[dict]:
    """The social posts and articles the post quotes or points to, as their cards tell them."""
    cited = []
    for block in post.blocks.all():
        if block.kind == "embed":
            item = {"@type": "SocialMediaPosting", "url": block.url, "text": block.text}
            if block.attribution:
                item["author"] = {"@type": "Person", "name": block.attribution}
            card = block.shown_card
            if card and card.published_at:
                item["datePublished"] = card.published_at.isoformat()
        elif block.kind == "link":
            item = {"@type": "CreativeWork", "url": block.url, "name": block.link_title}
        else:
            continue
        cited.append({key: value for key, value in item.items() if value})
    return cited


def live_authors(posts: list[Post]) -> list[dict]:
    """The people behind the posts shown, once each, in order of appearance; else the newsroom."""
    authors = []
    for post in posts:
        if (author := author_of(post)) not in authors:
            authors.append(author)
    return authors or [newsroom()]


def newsroom() -> dict:
    return {"@type": "Organization", "name": Branding.current().name, "url": settings.SITE_URL}


def live_blog_posting(session: LiveSession, posts: list[Post]) -> dict:
    """The session as schema.org LiveBlogPosting, with one liveBlogUpdate per post shown."""
    url = session_url(session)
    moments = [session.updated_at, *(post.edited_at or post.published_at for post in posts)]
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": session.headline,
        "description": description(session.standfirst),
        "inLanguage": session.language,
        "datePublished": (session.started_at or session.created_at).isoformat(),
        "dateModified": max(moments).isoformat(),
        "publisher": publisher(),
        "author": live_authors(posts),
    }
    if session.started_at or session.scheduled_for:
        data["coverageStartTime"] = (session.started_at or session.scheduled_for).isoformat()
    if session.ended_at and session.status != LiveSession.Status.LIVE:
        data["coverageEndTime"] = session.ended_at.isoformat()
    if session.lead_photo:
        data["image"] = [image_object(session.lead_photo)]
    data["liveBlogUpdate"] = [blog_posting(post, f"{url}#{post.anchor}") for post in posts]
    return data


def post_page_data(post: Post) -> dict:
    """A post on its own page: a BlogPosting that is part of its session's LiveBlogPosting."""
    data = {"@context": "https://schema.org", **blog_posting(post, post_page_url(post))}
    data["mainEntityOfPage"] = data["url"]
    data["publisher"] = publisher()
    data["isPartOf"] = {
        "@type": "LiveBlogPosting",
        "@id": session_url(post.session),
        "headline": post.session.headline,
    }
    return data


def share_card(title: str, text: str, url: str, photo: Photo | None, language: str) -> dict:
    """What liveblog/share_tags.html needs for canonical, OpenGraph and Twitter-card tags."""
    card = {
        "title": title,
        "description": description(text),
        "url": url,
        "locale": "fr_FR" if language == "fr" else "en_GB",
        "site_name": Branding.current().name,
    }
    if photo:
        card |= {
            "image": photo_url(photo),
            "image_alt": photo.alt_text or photo.caption,
            "image_width": photo.width,
            "image_height": photo.height,
        }
    return card


def session_share_card(session: LiveSession) -> dict:
    return share_card(
        session.headline,
        session.standfirst,
        session_url(session),
        session.lead_photo,
        session.language,
    )


def post_share_card(post: Post) -> dict:
    photos = post_photos(post)
    return share_card(
        post_headline(post),
        post_text(post) or post.session.headline,
        post_page_url(post),
        photos[0] if photos else post.session.lead_photo,
        post.session.language,
    )
