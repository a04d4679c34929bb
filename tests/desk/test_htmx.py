"""The desk speaks htmx the django-htmx way: the CSRF token on <body>, whole pages for a
history restore, nothing written by a GET, no page that htmx cannot find its way back to."""

import json
import re

import pytest
from django.test import Client

from liveblog.models import Presence
from tests.helpers import composer_data, paragraph

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
RESTORE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}


def body_headers(html: str) -> dict:
    found = re.search(r"<body[^>]*hx-headers='([^']*)'", html)
    assert found, "the CSRF header is set once, on <body>"
    return json.loads(found.group(1))


def test_every_htmx_request_of_the_desk_carries_the_csrf_token_from_the_body(assigned, journalist):
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)
    html = client.get(f"/editor/{assigned.slug}/").content.decode()
    headers = body_headers(html)
    assert html.count("hx-headers=") == 1
    refused = client.post(f"/editor/{assigned.slug}/presence/", **HTMX)
    assert refused.status_code == 403
    accepted = client.post(
        f"/editor/{assigned.slug}/presence/", HTTP_X_CSRFTOKEN=headers["X-CSRFToken"], **HTMX
    )
    assert accepted.status_code == 200


def test_reader_pages_carry_no_csrf_token(client, session):
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert "hx-headers" not in html and "csrf" not in html.lower()


def test_opening_the_desk_writes_nothing_and_the_page_says_it_is_here_by_a_post(
    client, assigned, journalist, make_post
):
    post = make_post(assigned, title="Au pont")
    client.force_login(journalist)
    desk = client.get(f"/editor/{assigned.slug}/").content.decode()
    client.get(f"/editor/{assigned.slug}/posts/{post.pk}/edit/")
    assert not Presence.objects.exists(), "a GET marks nobody present"
    presence = re.search(r'<p id="presence"[^>]*>', desk).group(0)
    assert f'hx-post="/editor/{assigned.slug}/presence/"' in presence
    assert 'hx-trigger="load, every 15s"' in presence
    answer = client.post(f"/editor/{assigned.slug}/presence/", **HTMX).content.decode()
    assert Presence.objects.filter(user=journalist, session=assigned).exists()
    assert 'hx-trigger="every 15s"' in answer, "the answer swapped in does not ask again at once"


def test_htmx_gets_the_timeline_alone_but_a_history_restore_gets_the_whole_desk(
    client, assigned, journalist
):
    client.force_login(journalist)
    fragment = client.get(f"/editor/{assigned.slug}/", **HTMX)
    assert fragment.content.decode().lstrip().startswith('<div id="timeline"')
    assert "HX-Request" in fragment["Vary"]
    restored = client.get(f"/editor/{assigned.slug}/", **RESTORE).content.decode()
    assert restored.lstrip().startswith("<!DOCTYPE html>")
    assert "Nouvelle publication" in restored


def test_going_back_to_a_library_search_restores_the_whole_library_page(
    client, journalist, make_photo
):
    make_photo(caption="Le pont suspendu au lever du jour.")
    client.force_login(journalist)
    results = client.get("/editor/photos/?q=pont", **HTMX).content.decode()
    assert results.lstrip().startswith('<section id="photo-results"')
    restored = client.get("/editor/photos/?q=pont", **RESTORE).content.decode()
    assert restored.lstrip().startswith("<!DOCTYPE html>")
    assert "Le pont suspendu au lever du jour." in restored
    assert 'role="search"' in restored


def test_a_history_restore_of_a_post_being_edited_gets_the_whole_edit_page(
    client, assigned, journalist, make_post
):
    post = make_post(assigned, title="Au pont")
    client.force_login(journalist)
    restored = client.get(f"/editor/{assigned.slug}/posts/{post.pk}/edit/", **RESTORE)
    html = restored.content.decode()
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert 'value="Au pont"' in html


def test_the_desk_says_what_it_did_in_one_place_on_the_page_and_in_the_composer(
    client, assigned, journalist
):
    client.force_login(journalist)
    data = composer_data(paragraph("Le peloton passe le pont."), title="Au pont")
    page = client.post(f"/editor/{assigned.slug}/posts/new/", data, follow=True)
    swapped = client.post(
        f"/editor/{assigned.slug}/posts/new/", {**data, "title": "Au pont, encore"}, **HTMX
    )
    for html in (page.content.decode(), swapped.content.decode()):
        assert html.count('<ul class="messages" role="status">') == 1
        assert "Publication publiée." in html
