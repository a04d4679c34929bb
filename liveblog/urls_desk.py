from django.contrib.auth import views as auth_views
from django.urls import path

from liveblog import desk, desk_posts, desk_session, photo_desk

app_name = "desk"

post = "<slug:slug>/posts/<int:post_id>/"

urlpatterns = [
    path("", desk.sessions, name="sessions"),
    path("login/", desk.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="desk:login"), name="logout"),
    # Before "<slug:slug>/", which would take "photos" for a session.
    path("photos/", photo_desk.library, name="photos"),
    path("photos/upload/", photo_desk.upload, name="photo-upload"),
    path("<slug:slug>/", desk.desk_session, name="session"),
    path("<slug:slug>/autosave/", desk.autosave, name="autosave"),
    path("<slug:slug>/presence/", desk.presence, name="presence"),
    path("<slug:slug>/header/", desk_session.edit_header, name="session-header"),
    path("<slug:slug>/start/", desk_session.start_session, name="session-start"),
    path("<slug:slug>/end/", desk_session.end_session, name="session-end"),
    path("<slug:slug>/audit/", desk_session.audit_log, name="audit"),
    path("<slug:slug>/export/", desk_session.export, name="session-export"),
    path("<slug:slug>/lead-photo/", photo_desk.use_as_lead, name="session-lead-photo"),
    path("<slug:slug>/posts/new/", desk_posts.new_post, name="post-new"),
    path(post + "edit/", desk_posts.edit_post, name="post-edit"),
    path(post + "autosave/", desk.autosave, name="post-autosave"),
    path(post + "delete/", desk_posts.delete_post, name="post-delete"),
    path(post + "undelete/", desk_posts.undelete_post, name="post-undelete"),
    path(post + "pin/", desk_posts.toggle_pinned, name="post-pin"),
    path(post + "key-event/", desk_posts.toggle_key_event, name="post-key-event"),
    path(post + "revisions/", desk_posts.revisions, name="post-revisions"),
    path(post + "photos/", photo_desk.use_in_post, name="post-photo-add"),
    path(
        post + "revisions/<int:version>/restore/",
        desk_posts.restore_post_revision,
        name="revision-restore",
    ),
]
