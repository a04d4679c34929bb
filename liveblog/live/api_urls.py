from django.urls import path

from liveblog.live import api

app_name = "api"

urlpatterns = [
    path("lives/", api.sessions, name="sessions"),
    path("lives/<slug:slug>/", api.session_detail, name="session"),
    path("lives/<slug:slug>/posts/", api.session_posts, name="session-posts"),
]
