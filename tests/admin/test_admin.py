import pytest
from django.urls import reverse

from liveblog.models import Event, LiveSession

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


def test_readers_and_journalists_cannot_open_admin(client, journalist):
    client.force_login(journalist)
    assert client.get(reverse("admin:index")).status_code == 302
