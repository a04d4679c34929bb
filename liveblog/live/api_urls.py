from django.urls import path

from liveblog.live import api
from liveblog.live.http_cache import LIVE, LIVES, live_version, lives_version, validated

app_name = "api"

urlpatterns = [
    path("lives/", validated(lives_version, LIVES)(api.sessions), name="sessions"),
    path("lives/<slug:slug>/", validated(live_version, LIVE)(api.session_detail), name="session"),
    path(
        "lives/<slug:slug>/posts/",
        validated(live_version, LIVE)(api.session_posts),
        name="session-posts",
    ),
]
