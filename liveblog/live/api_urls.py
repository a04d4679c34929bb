from django.urls import path, re_path

from liveblog.live import api, openapi
from liveblog.live.http_cache import (
    API_DESCRIPTION,
    LIVE,
    LIVES,
    live_version,
    lives_version,
    release_version,
    validated,
)

app_name = "api"

urlpatterns = [
    path("lives/", validated(lives_version, LIVES)(api.sessions), name="sessions"),
    path("lives/<slug:slug>/", validated(live_version, LIVE)(api.session_detail), name="session"),
    path(
        "lives/<slug:slug>/posts/",
        validated(live_version, LIVE)(api.session_posts),
        name="session-posts",
    ),
    path(
        "openapi.json",
        validated(release_version, API_DESCRIPTION)(openapi.description),
        name="openapi",
    ),
    # Anything else under /api/ is a JSON 404, whatever the method.
    re_path(r"^(?P<path>.*)$", api.unknown, name="unknown"),
]
