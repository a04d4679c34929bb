from django.urls import path

from liveblog.delivery import catchup
from liveblog.live import alerts, participation, views
from liveblog.live.embed_page import live_embed
from liveblog.live.feeds import SessionAtomFeed, SessionRssFeed

app_name = "live"

urlpatterns = [
    # Before "<slug:slug>/": the service worker's scope is every live page.
    path("push-worker.js", alerts.push_worker, name="push-worker"),
    path("alerts/<str:token>/stop/", alerts.stop, name="alerts-stop"),
    path("<slug:slug>/", views.live_session, name="session"),
    path("<slug:slug>/events", catchup.events, name="events"),
    path("<slug:slug>/posts/<int:pk>/", views.live_post, name="post"),
    path("<slug:slug>/feed.atom", SessionAtomFeed(), name="feed-atom"),
    path("<slug:slug>/feed.rss", SessionRssFeed(), name="feed-rss"),
    path("<slug:slug>/embed/", live_embed, name="embed"),
    path("<slug:slug>/questions/", participation.ask, name="question"),
    path("<slug:slug>/alerts/", alerts.start, name="alerts-start"),
    path("<slug:slug>/polls/<int:pk>/vote/", participation.vote, name="poll-vote"),
]
