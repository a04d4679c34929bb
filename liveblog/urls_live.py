from django.urls import path

from liveblog import catchup, reader
from liveblog.embed import live_embed
from liveblog.feeds import SessionAtomFeed, SessionRssFeed

app_name = "live"

urlpatterns = [
    path("<slug:slug>/", reader.live_session, name="session"),
    path("<slug:slug>/events", catchup.events, name="events"),
    path("<slug:slug>/posts/<int:pk>/", reader.live_post, name="post"),
    path("<slug:slug>/feed.atom", SessionAtomFeed(), name="feed-atom"),
    path("<slug:slug>/feed.rss", SessionRssFeed(), name="feed-rss"),
    path("<slug:slug>/embed/", live_embed, name="embed"),
]
