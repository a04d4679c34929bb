"""Atom and RSS 2.0 feeds of one live session, newest posts first (Django's syndication)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from liveblog.live import structured_data
from liveblog.models import Branding, LiveSession, Post

# Enough for a reader to catch up on a busy hour; older posts are on the live page.
FEED_POSTS = 50


class SessionRssFeed(Feed):
    feed_type = Rss201rev2Feed
    # The post as HTML, photos with absolute addresses: feed readers show it whole.
    description_template = "liveblog/feed_item.html"
    url_name = "live:feed-rss"

    def __call__(self, request, slug: str):
        # Headlines of untitled posts ("Post at 17H38") follow the session's language.
        request.live_session = get_object_or_404(LiveSession, slug=slug)
        with translation.override(request.live_session.language):
            return super().__call__(request, slug=slug)

    def get_object(self, request, slug: str) -> LiveSession:
        return request.live_session

    def title(self, session: LiveSession) -> str:
        return session.headline

    def link(self, session: LiveSession) -> str:
        return structured_data.session_url(session)

    def description(self, session: LiveSession) -> str:
        return session.standfirst

    def feed_url(self, session: LiveSession) -> str:
        return structured_data.absolute(reverse(self.url_name, kwargs={"slug": session.slug}))

    def author_name(self, session: LiveSession) -> str:
        return Branding.current().name

    def items(self, session: LiveSession):
        return session.posts.published().for_display().newest_first()[:FEED_POSTS]

    def item_title(self, post: Post) -> str:
        return structured_data.post_headline(post)

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "site_url": settings.SITE_URL}

    def item_link(self, post: Post) -> str:
        return structured_data.post_page_url(post)

    def item_guid(self, post: Post) -> str:
        return structured_data.post_page_url(post)

    def item_pubdate(self, post: Post):
        return post.published_at

    def item_updateddate(self, post: Post):
        return post.edited_at or post.published_at

    def item_author_name(self, post: Post) -> str:
        return post.author.get_full_name() or None

    def item_categories(self, post: Post) -> list[str]:
        return [post.rubric.name] if post.rubric else []


class SessionAtomFeed(SessionRssFeed):
    feed_type = Atom1Feed
    url_name = "live:feed-atom"

    def subtitle(self, session: LiveSession) -> str:
        return session.standfirst
