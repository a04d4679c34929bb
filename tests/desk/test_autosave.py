"""Drafts autosave to the server and come back wherever the journalist reopens the desk."""

import pytest
from django.test import Client

from liveblog.models import Draft, Post
from tests.helpers import composer_data, paragraph

pytestmark = pytest.mark.django_db


def test_a_draft_typed_in_one_browser_comes_back_in_another(journalist, assigned):
    first = Client()
    first.force_login(journalist)
    data = composer_data(
        paragraph("Le vent se lève sur le port."),
        ("quote", {"text": "Quel vent !"}),
        title="Alerte",
    )
    response = first.post(f"/editor/{assigned.slug}/autosave/", data, HTTP_HX_REQUEST="true")
    assert "Brouillon enregistré à" in response.content.decode()
    assert not Post.objects.exists()

    second = Client()
    second.force_login(journalist)
    html = second.get(f"/editor/{assigned.slug}/").content.decode()
    assert "Votre brouillon enregistré à" in html
    assert 'value="Alerte"' in html
    assert "Le vent se lève sur le port." in html
    assert "Quel vent !" in html


def test_each_person_gets_only_their_own_draft(client, journalist, editor, assigned):
    client.force_login(journalist)
    client.post(f"/editor/{assigned.slug}/autosave/", composer_data(paragraph("Secret")))
    client.force_login(editor)
    assert "Secret" not in client.get(f"/editor/{assigned.slug}/").content.decode()


def test_publishing_clears_the_draft(client, journalist, assigned):
    client.force_login(journalist)
    data = composer_data(paragraph("Publié, donc plus un brouillon."), title="Publié")
    client.post(f"/editor/{assigned.slug}/autosave/", data)
    client.post(f"/editor/{assigned.slug}/posts/new/", data)
    assert not Draft.objects.exists()
    html = client.get(f"/editor/{assigned.slug}/").content.decode()
    assert 'value="Publié"' not in html


def test_an_edit_in_progress_comes_back_with_the_version_it_started_from(
    client, journalist, assigned, make_post
):
    post = make_post(assigned, title="Avant", author=journalist)
    client.force_login(journalist)
    edit = f"/editor/{assigned.slug}/posts/{post.pk}/"
    data = composer_data(paragraph("Correction en cours"), title="Après", version=post.version)
    client.post(edit + "autosave/", data)
    html = client.get(edit + "edit/").content.decode()
    assert 'value="Après"' in html and "Correction en cours" in html
    assert f'name="version" value="{post.version}"' in html
    post.refresh_from_db()
    assert post.title == "Avant"


def test_clear_throws_the_draft_away(client, journalist, assigned):
    client.force_login(journalist)
    client.post(f"/editor/{assigned.slug}/autosave/", composer_data(paragraph("À jeter")))
    client.post(f"/editor/{assigned.slug}/posts/new/", {"change": "clear"})
    assert not Draft.objects.exists()
    assert "À jeter" not in client.get(f"/editor/{assigned.slug}/").content.decode()


def test_a_numbered_draft_sent_twice_is_written_once_and_an_older_one_never_wins(
    client, journalist, assigned
):
    client.force_login(journalist)
    url = f"/editor/{assigned.slug}/autosave/"
    newer = composer_data(paragraph("Version 2"), composer_key="k1", composer_seq=2)
    client.post(url, newer)
    saved_at = Draft.objects.get().saved_at
    response = client.post(url, newer)  # the retry after the network came back
    assert response.status_code == 200 and "Brouillon enregistré à" in response.content.decode()
    assert Draft.objects.get().saved_at == saved_at
    client.post(url, composer_data(paragraph("Version 1"), composer_key="k1", composer_seq=1))
    assert "Version 2" in Draft.objects.get().data["blocks-0-text"]
    client.post(url, composer_data(paragraph("Version 3"), composer_key="k1", composer_seq=3))
    assert "Version 3" in Draft.objects.get().data["blocks-0-text"]


def test_a_second_window_on_the_same_draft_is_told(client, journalist, assigned):
    client.force_login(journalist)
    url = f"/editor/{assigned.slug}/autosave/"
    client.post(url, composer_data(paragraph("Onglet A"), composer_key="a", composer_seq=1))
    html = client.post(
        url, composer_data(paragraph("Onglet B"), composer_key="b", composer_seq=1)
    ).content.decode()
    assert "aussi en cours d\u2019écriture dans une autre fenêtre" in html
    again = client.post(
        url, composer_data(paragraph("Onglet B, suite"), composer_key="b", composer_seq=2)
    ).content.decode()
    assert "autre fenêtre" not in again


def test_the_page_says_which_draft_the_server_holds(client, journalist, assigned):
    client.force_login(journalist)
    data = composer_data(paragraph("Tenu"), composer_key="abc", composer_seq=7)
    client.post(f"/editor/{assigned.slug}/autosave/", data)
    html = client.get(f"/editor/{assigned.slug}/").content.decode()
    assert 'data-held="abc:7"' in html
    assert 'name="composer_key" value="abc"' in html
