from django.contrib.auth import views as auth_views
from django.urls import path

from liveblog.desk import (
    audience,
    lives,
    notes,
    photo_library,
    polls,
    posts,
    questions,
    review,
    session,
    views,
)

app_name = "desk"

post = "<slug:slug>/posts/<int:post_id>/"

urlpatterns = [
    path("", views.sessions, name="sessions"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="desk:login"), name="logout"),
    # Before "<slug:slug>/", which would take "photos" for a session (a reserved slug).
    path("photos/", photo_library.library, name="photos"),
    path("photos/upload/", photo_library.upload, name="photo-upload"),
    # Its slug is reserved (liveblog.models.sessions.RESERVED_SLUGS).
    path("new/", lives.new_live, name="live-new"),
    path("<slug:slug>/", views.desk_session, name="session"),
    path("<slug:slug>/autosave/", views.autosave, name="autosave"),
    path("<slug:slug>/presence/", views.presence, name="presence"),
    path("<slug:slug>/audience/", audience.audience, name="audience"),
    path("<slug:slug>/notes/", notes.notes, name="notes"),
    path("<slug:slug>/review/", review.panel, name="review"),
    path("<slug:slug>/header/", session.edit_header, name="session-header"),
    path("<slug:slug>/start/", session.start_session, name="session-start"),
    path("<slug:slug>/end/", session.end_session, name="session-end"),
    path("<slug:slug>/reopen/", lives.reopen, name="session-reopen"),
    path("<slug:slug>/archive/", lives.archive, name="session-archive"),
    path("<slug:slug>/delete/", lives.delete, name="session-delete"),
    path("<slug:slug>/schedule/", lives.schedule, name="session-schedule"),
    path("<slug:slug>/people/", lives.people, name="session-people"),
    path("<slug:slug>/rubrics/", lives.rubrics, name="session-rubrics"),
    path(
        "<slug:slug>/rubrics/<int:rubric_id>/withdraw/",
        lives.withdraw_rubric,
        name="session-rubric-withdraw",
    ),
    path("<slug:slug>/audit/", session.audit_log, name="audit"),
    path("<slug:slug>/export/", session.export, name="session-export"),
    path("<slug:slug>/lead-photo/", photo_library.use_as_lead, name="session-lead-photo"),
    path("<slug:slug>/posts/new/", posts.new_post, name="post-new"),
    path("<slug:slug>/polls/new/", polls.new_poll, name="poll-new"),
    path("<slug:slug>/questions/", questions.queue, name="questions"),
    path("<slug:slug>/questions/toggle/", questions.toggle, name="questions-toggle"),
    path(
        "<slug:slug>/questions/<int:question_id>/answer/", questions.answer, name="question-answer"
    ),
    path(
        "<slug:slug>/questions/<int:question_id>/discard/",
        questions.discard,
        name="question-discard",
    ),
    path(post + "edit/", posts.edit_post, name="post-edit"),
    path(post + "review/publish/", review.publish, name="review-publish"),
    path(post + "review/send-back/", review.send_back, name="review-send-back"),
    path(post + "autosave/", views.autosave, name="post-autosave"),
    path(post + "delete/", posts.delete_post, name="post-delete"),
    path(post + "undelete/", posts.undelete_post, name="post-undelete"),
    path(post + "pin/", posts.toggle_pinned, name="post-pin"),
    path(post + "key-event/", posts.toggle_key_event, name="post-key-event"),
    path(post + "revisions/", posts.revisions, name="post-revisions"),
    path(post + "photos/", photo_library.use_in_post, name="post-photo-add"),
    path(
        post + "revisions/<int:version>/restore/",
        posts.restore_post_revision,
        name="revision-restore",
    ),
]
