"""What search engines and social networks read: schema.org JSON-LD and share tags.

Everything here works on objects the page already loaded (posts from
`for_display()`), so it adds no query to the live page.
"""

import html

from django.conf import settings
from django.urls import reverse
from django.utils.html import json_script, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from liveblog.models import LiveSession, Photo, Post
from liveblog.templatetags.liveblog import clock

DESCRIPTION_WORDS = 40


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
    """The post's words as plain text: paragraphs and quotes, in order."""
    parts = []
    for block in post.blocks.all():
        if block.kind == "paragraph":
            # Stored paragraphs are sanitised HTML: drop the tags, decode the entities.
            text = strip_tags(block.text.replace("</p>", "</p>\n").replace("<br>", "\n"))
            parts.append(html.unescape(text).strip())
        elif block.kind == "quote":
            quote = f"« {block.text} »" if post.session.language == "fr" else f"“{block.text}”"
            parts.append(f"{quote} {block.attribution}".strip())
        elif block.kind == "embed" and block.text:
            source = ", ".join(filter(None, [block.attribution, block.embed.provider]))
            parts.append(f"{block.text} — {source}")
        elif block.kind == "link":
            parts.append(block.link_title)
    return "\n\n".join(part for part in parts if part)


def post_photos(post: Post) -> list[Photo]:
    return [block.photo for block in post.blocks.all() if block.kind == "photo"]


def photo_url(photo: Photo) -> str:
    return absolute(photo.image.url)


def description(text: str) -> str:
    return Truncator(" ".join(text.split())).words(DESCRIPTION_WORDS)


def ld_json(data: dict) -> SafeString:
    """A `<script type="application/ld+json">` data block (never executed, so CSP allows it).

    json_script escapes <, > and & so no text can close the tag; only the type differs.
    """
    tag = json_script(data)
    return mark_safe(tag.replace('type="application/json"', 'type="application/ld+json"', 1))


def publisher() -> dict:
    return {"@type": "Organization", "name": settings.PUBLISHER_NAME, "url": settings.SITE_URL}


def blog_posting(post: Post, url: str) -> dict:
    data = {
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "headline": post_headline(post),
        "datePublished": post.published_at.isoformat(),
        "dateModified": (post.edited_at or post.published_at).isoformat(),
        "articleBody": post_text(post),
        "inLanguage": post.session.language,
    }
    if photos := post_photos(post):
        data["image"] = [photo_url(photo) for photo in photos]
    if name := post.author.get_full_name():
        data["author"] = {"@type": "Person", "name": name}
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
    }
    if session.started_at or session.scheduled_for:
        data["coverageStartTime"] = (session.started_at or session.scheduled_for).isoformat()
    if session.ended_at and session.status != LiveSession.Status.LIVE:
        data["coverageEndTime"] = session.ended_at.isoformat()
    if session.lead_photo:
        data["image"] = [photo_url(session.lead_photo)]
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
        "site_name": settings.PUBLISHER_NAME,
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
