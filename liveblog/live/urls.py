from django.urls import path

from liveblog.delivery import catchup
from liveblog.live import alerts, participation, views
from liveblog.live.embed_page import live_embed
from liveblog.live.feeds import SessionAtomFeed, SessionRssFeed
from liveblog.live.http_cache import (
    CATCH_UP,
    DEPLOYED,
    FEED,
    LIVE,
    POST,
    live_version,
    release_version,
    validated,
)

app_name = "live"

# Each public URL's validators and lifetime in shared caches: liveblog.live.http_cache.
live = validated(live_version, LIVE)
post = validated(live_version, POST)
feed = validated(live_version, FEED)

urlpatterns = [
    # Before "<slug:slug>/": the service worker's scope is every live page.
    path(
        "push-worker.js",
        validated(release_version, DEPLOYED)(alerts.push_worker),
        name="push-worker",
    ),
    path("alerts/<str:token>/stop/", alerts.stop, name="alerts-stop"),
    path("<slug:slug>/", live(views.live_session), name="session"),
    path("<slug:slug>/events", validated(live_version, CATCH_UP)(catchup.events), name="events"),
    path("<slug:slug>/posts/<int:pk>/", post(views.live_post), name="post"),
    path("<slug:slug>/feed.atom", feed(SessionAtomFeed()), name="feed-atom"),
    path("<slug:slug>/feed.rss", feed(SessionRssFeed()), name="feed-rss"),
    path("<slug:slug>/embed/", live(live_embed), name="embed"),
    path("<slug:slug>/questions/", participation.ask, name="question"),
    path("<slug:slug>/alerts/", alerts.start, name="alerts-start"),
    path("<slug:slug>/polls/<int:pk>/vote/", participation.vote, name="poll-vote"),
]
