from django.urls import path

from liveblog import catchup, reader

app_name = "live"

urlpatterns = [
    path("<slug:slug>/", reader.live_session, name="session"),
    path("<slug:slug>/events", catchup.events, name="events"),
    path("<slug:slug>/posts/<int:pk>/", reader.live_post, name="post"),
]
