from django.urls import path

from liveblog.delivery import catchup
from liveblog.live import participation, views
from liveblog.live.embed_page import live_embed
from liveblog.live.feeds import SessionAtomFeed, SessionRssFeed

app_name = "live"

urlpatterns = [
    path("<slug:slug>/", views.live_session, name="session"),
    path("<slug:slug>/events", catchup.events, name="events"),
    path("<slug:slug>/posts/<int:pk>/", views.live_post, name="post"),
    path("<slug:slug>/feed.atom", SessionAtomFeed(), name="feed-atom"),
    path("<slug:slug>/feed.rss", SessionRssFeed(), name="feed-rss"),
    path("<slug:slug>/embed/", live_embed, name="embed"),
    path("<slug:slug>/questions/", participation.ask, name="question"),
    path("<slug:slug>/polls/<int:pk>/vote/", participation.vote, name="poll-vote"),
]
