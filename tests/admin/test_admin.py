import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from liveblog.domain.roles import can_publish_in, can_write_in, is_contributor
from liveblog.models import AuditEntry, Event, LiveSession, Post

pytestmark = pytest.mark.django_db

MODELS = ["livesession", "post", "rubric", "photocredit", "photo", "event"]


@pytest.fixture
def filled(session, make_post, make_photo):
    make_post(session, blocks=[("photo", {"photo": make_photo()})])
    return session


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_and_searches_every_model(admin_client, filled, model):
    url = reverse(f"admin:liveblog_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "marathon"}).status_code == 200


@pytest.mark.parametrize("model", [m for m in MODELS if m != "event"])
def test_admin_opens_the_add_and_change_forms(admin_client, filled, model):
    from django.apps import apps

    instance = apps.get_model("liveblog", model).objects.first()
    assert admin_client.get(reverse(f"admin:liveblog_{model}_add")).status_code == 200
    change = reverse(f"admin:liveblog_{model}_change", args=[instance.pk])
    assert admin_client.get(change).status_code == 200


@pytest.mark.parametrize("url", ["admin:auth_user_changelist", "admin:auth_group_changelist"])
def test_admin_manages_people_and_roles(admin_client, url):
    assert admin_client.get(reverse(url)).status_code == 200


def test_event_log_cannot_be_edited_from_admin(admin_client, filled):
    event = Event.objects.first()
    assert admin_client.get(reverse("admin:liveblog_event_add")).status_code == 403
    response = admin_client.post(reverse("admin:liveblog_event_delete", args=[event.pk]))
    assert response.status_code == 403


def test_headline_changed_in_admin_reaches_readers(admin_client, session):
    url = reverse("admin:liveblog_livesession_change", args=[session.pk])
    form = {
        "headline": "Marathon : record battu",
        "slug": session.slug,
        "standfirst": session.standfirst,
        "language": "fr",
        "credits": "",
        "status": "live",
        "started_at_0": "2025-10-21",
        "started_at_1": "06:30:00",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.filter(session=session).last()
    assert event.kind == "session.updated"
    assert "Marathon : record battu" in event.html
    assert LiveSession.objects.get(pk=session.pk).headline == "Marathon : record battu"


def test_a_live_added_in_admin_with_a_slug_the_site_uses_is_refused(admin_client):
    form = {
        "headline": "Les photos de la nuit électorale",
        "slug": "photos",
        "standfirst": "",
        "language": "fr",
        "credits": "",
        "status": "scheduled",
    }
    response = admin_client.post(reverse("admin:liveblog_livesession_add"), form)
    assert response.status_code == 200
    assert "Le slug « photos » est réservé" in response.content.decode()
    assert not LiveSession.objects.exists()
    form["slug"] = "photos-nuit-electorale"
    response = admin_client.post(reverse("admin:liveblog_livesession_add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_readers_and_journalists_cannot_open_admin(client, journalist):
    client.force_login(journalist)
    assert client.get(reverse("admin:index")).status_code == 302


# Changes made in the admin go through the same domain functions as the desk's.


def live_form(session, **changes) -> dict:
    """The live's change form as the admin shows it, with `changes` typed in."""
    return {
        "headline": session.headline,
        "slug": session.slug,
        "standfirst": session.standfirst,
        "language": session.language,
        "credits": session.credits,
        "status": session.status,
        "started_at_0": "2025-10-21",
        "started_at_1": "06:30:00",
        **changes,
    }


def post_form(post, **changes) -> dict:
    """The post's change form as the admin shows it (one paragraph block), with `changes`."""
    block = post.blocks.get()
    form = {
        "session": post.session_id,
        "author": post.author_id,
        "rubric": post.rubric_id or "",
        "title": post.title,
        "status": post.status,
        "published_at_0": f"{post.published_at:%Y-%m-%d}" if post.published_at else "",
        "published_at_1": f"{post.published_at:%H:%M:%S}" if post.published_at else "",
        "blocks-TOTAL_FORMS": 1,
        "blocks-INITIAL_FORMS": 1,
        "blocks-MIN_NUM_FORMS": 0,
        "blocks-MAX_NUM_FORMS": 1000,
        "blocks-0-id": block.pk,
        "blocks-0-post": post.pk,
        "blocks-0-position": 0,
        "blocks-0-kind": "paragraph",
        "blocks-0-text": block.text,
    }
    if post.pinned:
        form["pinned"] = "on"
    if post.key_event:
        form["key_event"] = "on"
    return form | changes


@pytest.mark.parametrize(
    "change",
    [
        {"credits": "Rédaction : Jeanne Martin"},
        {"scheduled_for_0": "2025-10-21", "scheduled_for_1": "06:00:00"},
    ],
    ids=["header", "schedule"],
)
def test_a_live_saved_in_admin_while_a_post_goes_out_keeps_the_event_counter(
    admin_client, session, make_post, monkeypatch, change
):
    """The admin reads the live, a journalist publishes, then the admin's save lands."""
    from liveblog.admin.site import LiveSessionAdmin

    read = LiveSessionAdmin.get_object

    def read_then_someone_publishes(self, request, object_id, from_field=None):
        live = read(self, request, object_id, from_field)
        if request.method == "POST":
            make_post(session, title="Publié pendant la saisie")
        return live

    url = reverse("admin:liveblog_livesession_change", args=[session.pk])
    assert admin_client.get(url).status_code == 200
    monkeypatch.setattr(LiveSessionAdmin, "get_object", read_then_someone_publishes)
    response = admin_client.post(url, live_form(session, **change))
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.last_seq == Event.objects.filter(session=session).latest("seq").seq
    make_post(session, title="Publication suivante", minutes=5)
    assert list(session.events.values_list("seq", flat=True)) == list(
        range(1, session.events.count() + 1)
    )


def test_ending_a_live_in_admin_is_written_and_reaches_readers(admin_client, session):
    url = reverse("admin:liveblog_livesession_change", args=[session.pk])
    form = live_form(session, status="ended", ended_at_0="2025-10-21", ended_at_1="20:15:00")
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert (session.status, f"{session.ended_at:%H:%M}") == ("ended", "20:15")
    event = Event.objects.filter(session=session).latest("seq")
    assert event.kind == "session.updated" and event.data == {"status": "ended"}
    assert "Direct terminé" in event.html
    entry = AuditEntry.objects.get(action="session.ended")
    assert entry.detail["status"] == {"from": "live", "to": "ended"}


def test_archiving_a_running_live_in_admin_is_refused_with_the_desks_reason(admin_client, session):
    url = reverse("admin:liveblog_livesession_change", args=[session.pk])
    form = live_form(
        session, status="archived", archived_at_0="2025-10-22", archived_at_1="09:00:00"
    )
    response = admin_client.post(url, form, follow=True)
    assert "Terminez le direct avant de l\u2019archiver." in response.content.decode()
    session.refresh_from_db()
    assert (session.status, session.archived_at) == ("live", None)
    assert not AuditEntry.objects.filter(action="session.archived").exists()


def test_publishing_and_pinning_a_draft_in_admin_reaches_readers(admin_client, session, make_post):
    post = make_post(session, status="draft", title="Brouillon du pont")
    url = reverse("admin:liveblog_post_change", args=[post.pk])
    form = post_form(
        post,
        status="published",
        published_at_0="2025-10-21",
        published_at_1="08:00:00",
        pinned="on",
    )
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    post.refresh_from_db()
    assert (post.status, post.pinned) == ("published", True)
    kinds = list(Event.objects.filter(post=post).order_by("seq").values_list("kind", flat=True))
    assert kinds == ["post.published", "post.updated"]
    actions = set(AuditEntry.objects.filter(post_id=post.pk).values_list("action", flat=True))
    assert {"post.published", "post.pinned", "admin.changed"} <= actions


def test_a_post_taken_back_to_draft_in_admin_leaves_readers_pages(admin_client, session, make_post):
    post = make_post(session, title="Publié trop tôt")
    url = reverse("admin:liveblog_post_change", args=[post.pk])
    response = admin_client.post(url, post_form(post, status="draft"))
    assert response.status_code == 302, response.content.decode()[:2000]
    post.refresh_from_db()
    assert post.status == "draft"
    assert Event.objects.filter(post=post).latest("seq").kind == "post.deleted"
    assert AuditEntry.objects.filter(post_id=post.pk, action="post.sent_back_to_draft").exists()


def test_a_post_saved_in_admin_after_a_desk_edit_keeps_the_desks_version(
    admin_client, session, make_post, monkeypatch
):
    """The admin reads the post, a journalist saves an edit, then the admin's save lands."""
    from liveblog.admin.site import PostAdmin
    from liveblog.domain.posts import record_edit

    post = make_post(session, title="Le pont")
    read = PostAdmin.get_object

    def read_then_the_desk_saves(self, request, object_id, from_field=None):
        seen = read(self, request, object_id, from_field)
        if request.method == "POST":
            record_edit(post=Post.objects.get(pk=post.pk), by=post.author)
        return seen

    monkeypatch.setattr(PostAdmin, "get_object", read_then_the_desk_saves)
    url = reverse("admin:liveblog_post_change", args=[post.pk])
    response = admin_client.post(url, post_form(post, title="Le pont de pierre"))
    assert response.status_code == 302, response.content.decode()[:2000]
    post.refresh_from_db()
    assert post.title == "Le pont de pierre"
    assert post.version == 3, "the desk's edit (2), then the admin's (3)"


def test_a_post_deleted_in_admin_leaves_readers_pages_and_the_catch_up_log(
    admin_client, session, make_post
):
    post = make_post(session, title="Un nom à retirer", blocks=[("paragraph", {"text": "Secret"})])
    url = reverse("admin:liveblog_post_delete", args=[post.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()
    caught_up = admin_client.get(f"/live/{session.slug}/events", {"after": 0}).content.decode()
    assert "Un nom à retirer" not in caught_up and "Secret" not in caught_up
    assert Event.objects.filter(session=session, kind="post.deleted").exists()


def test_an_admin_makes_someone_a_contributor_with_the_group_the_migrations_made(
    admin_client, django_user_model, session
):
    contributors = Group.objects.get(name="contributors")
    person = django_user_model.objects.create_user("amadou", password="pw-amadou-2026")
    page = admin_client.get(reverse("admin:auth_user_change", args=[person.pk]))
    assert f'<option value="{contributors.pk}">contributors</option>' in page.content.decode()
    person.groups.add(contributors)
    session.journalists.add(person)
    person = django_user_model.objects.get(pk=person.pk)
    assert is_contributor(person) and can_write_in(person, session)
    assert not can_publish_in(person, session)
