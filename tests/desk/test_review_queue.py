"""The review queue on the desk: a contributor writes with the same composer and sends for
review; editors (and the live's journalists where it allows them) see what waits, with its
author and time, and publish it or send it back with a note the contributor reads."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from liveblog.domain.review import submit_for_review
from liveblog.models import Event, Post
from newsroom.asgi import application
from tests.helpers import composer_data, paragraph

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = "Au 30e kilomètre, six coureurs mènent la course."


@pytest.fixture
def live(assigned, contributor):
    assigned.journalists.add(contributor)
    return assigned


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sent_post(live, contributor, make_post, title="Six coureurs en tête") -> Post:
    post = make_post(
        live, title=title, author=contributor, status="draft", blocks=[paragraph(TEXT)]
    )
    submit_for_review(post=post, by=contributor)
    return post


@pytest.mark.django_db
def test_a_contributors_desk_sends_for_review_and_offers_no_publishing(live, contributor):
    page = logged_in(contributor).get(f"/editor/{live.slug}/").content.decode()
    assert 'value="submit"' in page and "Envoyer pour relecture" in page
    assert "Ctrl+Entrée (⌘+Entrée sur Mac) envoie pour relecture." in page
    assert 'value="publish"' not in page and 'value="schedule"' not in page
    assert "Publier maintenant" not in page and 'name="scheduled_for"' not in page
    # The staff's rooms stay closed: notes, audience, readers' questions, management.
    for staff_only in ("data-desk-notes", "desk-audience", 'id="questions"', "/audit/"):
        assert staff_only not in page, staff_only
    assert "Mes publications envoyées pour relecture" in page


@pytest.mark.django_db
def test_a_contributor_sends_a_post_for_review_from_the_composer(live, contributor):
    answer = logged_in(contributor).post(
        f"/editor/{live.slug}/posts/new/",
        composer_data(paragraph(TEXT), action="submit", title="Six coureurs en tête"),
        **HTMX,
    )
    assert answer.status_code == 200
    post = Post.objects.get()
    assert (post.status, post.author) == (Post.Status.SUBMITTED, contributor)
    assert "Envoyée pour relecture : un éditeur la publiera" in answer.content.decode()
    assert not Event.objects.filter(post=post).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["publish", "schedule"])
def test_a_contributor_cannot_reach_publishing_even_by_forging_the_form(live, contributor, action):
    answer = logged_in(contributor).post(
        f"/editor/{live.slug}/posts/new/",
        composer_data(paragraph(TEXT), action=action, scheduled_for="2030-01-01T10:00"),
        **HTMX,
    )
    html = answer.content.decode()
    assert answer.status_code == 422
    assert "Un contributeur ne publie pas : envoyez la publication pour relecture" in html
    assert TEXT in html, "what was typed is still in the form"
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_a_contributor_never_sees_other_peoples_drafts(live, contributor, journalist, make_post):
    make_post(live, title="Brouillon de Jeanne", author=journalist, status="draft")
    make_post(live, title="Le peloton passe le pont", author=journalist)
    page = logged_in(contributor).get(f"/editor/{live.slug}/").content.decode()
    assert "Le peloton passe le pont" in page
    assert "Brouillon de Jeanne" not in page


@pytest.mark.django_db
def test_the_editor_sees_the_queue_with_author_and_time(live, contributor, editor, make_post):
    post = sent_post(live, contributor, make_post)
    page = logged_in(editor).get(f"/editor/{live.slug}/").content.decode()
    assert "Contributions à relire" in page and "(1)" in page
    item = page[page.index(f'id="review-{post.pk}"') :]
    item = item[: item.index("</li>")]
    assert "Amadou Sy" in item and "Six coureurs en tête" in item
    assert f'datetime="{post.submitted_at.isoformat()}"' in item
    assert f"/editor/{live.slug}/posts/{post.pk}/review/publish/" in item
    assert "Publier telle quelle" in item and "Renvoyer avec cette note" in item


@pytest.mark.django_db
def test_the_queue_is_not_shown_to_journalists_unless_the_live_allows_it(
    live, contributor, journalist, editor, make_post
):
    sent_post(live, contributor, make_post)
    jeanne = logged_in(journalist)
    assert "Contributions à relire" not in jeanne.get(f"/editor/{live.slug}/").content.decode()
    assert jeanne.get(f"/editor/{live.slug}/review/").status_code == 403
    answer = logged_in(editor).post(
        f"/editor/{live.slug}/people/",
        {"journalists": [journalist.pk, contributor.pk], "journalists_review": "on"},
    )
    assert answer.status_code == 302
    assert "Contributions à relire" in jeanne.get(f"/editor/{live.slug}/").content.decode()


@pytest.mark.django_db
def test_the_people_page_names_contributors_as_such(live, editor):
    page = logged_in(editor).get(f"/editor/{live.slug}/people/").content.decode()
    assert "Amadou Sy (contributeur)" in page
    assert "Les journalistes de ce direct relisent aussi" in page


@pytest.mark.django_db
def test_an_editor_publishes_a_submission_as_it_is_from_the_queue(
    live, contributor, editor, make_post, client
):
    post = sent_post(live, contributor, make_post)
    answer = logged_in(editor).post(f"/editor/{live.slug}/posts/{post.pk}/review/publish/", **HTMX)
    html = answer.content.decode()
    assert "Publiée : les lecteurs la voient maintenant." in html
    assert "Rien à relire pour l'instant." in html
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert "Six coureurs en tête" in client.get(f"/live/{live.slug}/").content.decode()
    mine = logged_in(contributor).get(f"/editor/{live.slug}/review/").content.decode()
    assert "Publiée" in mine and "Six coureurs en tête" in mine


@pytest.mark.django_db
def test_an_editor_sends_a_submission_back_and_the_contributor_reads_the_note(
    live, contributor, editor, make_post
):
    post = sent_post(live, contributor, make_post)
    hugo = logged_in(editor)
    refused = hugo.post(f"/editor/{live.slug}/posts/{post.pk}/review/send-back/", {"note": " "})
    assert refused.status_code == 302
    assert Post.objects.get(pk=post.pk).status == Post.Status.SUBMITTED
    hugo.post(
        f"/editor/{live.slug}/posts/{post.pk}/review/send-back/",
        {"note": "Donne les noms des six, s'il te plaît."},
        **HTMX,
    )
    amadou = logged_in(contributor)
    desk = amadou.get(f"/editor/{live.slug}/").content.decode()
    assert "Renvoyée" in desk and "Note de l'éditeur : Donne les noms des six" in desk
    edit = amadou.get(f"/editor/{live.slug}/posts/{post.pk}/edit/").content.decode()
    assert "Renvoyée par l'éditeur :" in edit and "Envoyer pour relecture" in edit


@pytest.mark.django_db
def test_an_editor_opens_a_submission_to_edit_it(live, contributor, editor, make_post):
    post = sent_post(live, contributor, make_post)
    page = logged_in(editor).get(f"/editor/{live.slug}/posts/{post.pk}/edit/").content.decode()
    assert "Envoyée pour relecture par Amadou Sy" in page
    assert 'value="publish"' in page and TEXT in page


@pytest.mark.django_db
def test_a_contributor_cannot_edit_a_post_once_sent_or_published(
    live, contributor, make_post, editor
):
    post = sent_post(live, contributor, make_post)
    amadou = logged_in(contributor)
    assert amadou.get(f"/editor/{live.slug}/posts/{post.pk}/edit/").status_code == 403
    logged_in(editor).post(f"/editor/{live.slug}/posts/{post.pk}/review/publish/")
    assert amadou.get(f"/editor/{live.slug}/posts/{post.pk}/edit/").status_code == 403
    answer = amadou.post(
        f"/editor/{live.slug}/posts/{post.pk}/edit/",
        composer_data(paragraph("Changé après coup."), action="publish", version=post.version),
    )
    assert answer.status_code == 403
    assert Post.objects.get(pk=post.pk).blocks.get().text != "<p>Changé après coup.</p>"


def desk_socket(live, client: Client) -> WebsocketCommunicator:
    cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"cookie", cookie.encode())]
    return WebsocketCommunicator(application, f"/ws/desk/{live.slug}/", headers)


@pytest.mark.django_db(transaction=True)
async def test_the_desk_socket_says_the_queue_changed_and_carries_no_notes_to_contributors(
    live, contributor, editor
):
    db = database_sync_to_async
    hugo_socket = desk_socket(live, await db(logged_in)(editor))
    amadou = await db(logged_in)(contributor)
    amadou_socket = desk_socket(live, amadou)
    assert (await hugo_socket.connect())[0] and (await amadou_socket.connect())[0]

    await db(amadou.post)(
        f"/editor/{live.slug}/posts/new/",
        composer_data(paragraph(TEXT), action="submit", title="Six coureurs en tête"),
        **HTMX,
    )
    assert json.loads(await hugo_socket.receive_from(timeout=15)) == {"kind": "review"}
    assert json.loads(await amadou_socket.receive_from(timeout=15)) == {"kind": "review"}

    hugo = await db(logged_in)(editor)
    await db(hugo.post)(f"/editor/{live.slug}/notes/", {"text": "Qui relit Amadou ?"}, **HTMX)
    frame = json.loads(await hugo_socket.receive_from(timeout=15))
    assert frame["kind"] == "note"
    assert await amadou_socket.receive_nothing(timeout=1)
    await hugo_socket.disconnect()
    await amadou_socket.disconnect()
    await db(connections.close_all)()


@pytest.mark.django_db
def test_a_journalist_reviewing_opens_edits_and_publishes_a_submission(
    live, contributor, journalist, make_post
):
    live.journalists_review = True
    live.save()
    post = sent_post(live, contributor, make_post)
    jeanne = logged_in(journalist)
    assert jeanne.get(f"/editor/{live.slug}/posts/{post.pk}/edit/").status_code == 200
    answer = jeanne.post(
        f"/editor/{live.slug}/posts/{post.pk}/edit/",
        composer_data(
            paragraph(TEXT), action="publish", title="Sept coureurs en tête", version=post.version
        ),
    )
    assert answer.status_code == 302
    post.refresh_from_db()
    assert (post.status, post.title) == (Post.Status.PUBLISHED, "Sept coureurs en tête")
    assert jeanne.get(f"/editor/{live.slug}/posts/{post.pk}/edit/").status_code == 403


@pytest.mark.django_db
def test_the_photo_library_shows_a_contributor_no_photo_of_someone_elses_draft(
    live, contributor, journalist, make_post, make_photo
):
    hidden = make_photo(caption="Photo du brouillon de Jeanne")
    make_post(live, author=journalist, status="draft", blocks=[("photo", {"photo": hidden})])
    shown = make_photo(caption="Photo déjà publiée")
    make_post(live, author=journalist, blocks=[("photo", {"photo": shown})])
    library = logged_in(contributor).get("/editor/photos/?q=Photo").content.decode()
    assert "Photo déjà publiée" in library
    assert "Photo du brouillon de Jeanne" not in library
    staff = logged_in(journalist).get("/editor/photos/?q=Photo").content.decode()
    assert "Photo du brouillon de Jeanne" in staff


@pytest.mark.django_db
def test_a_contributor_sees_only_the_lives_assigned_to_them(live, contributor, make_session):
    elsewhere = make_session(slug="nuit-electorale", headline="Nuit électorale en direct")
    amadou = logged_in(contributor)
    listed = amadou.get("/editor/").content.decode()
    assert live.headline in listed and "Nuit électorale en direct" not in listed
    assert amadou.get(f"/editor/{elsewhere.slug}/").status_code == 403
    assert amadou.get(f"/editor/{elsewhere.slug}/review/").status_code == 403


@pytest.mark.django_db
def test_the_audit_log_tells_each_step_of_a_review_in_sentences(
    live, contributor, editor, make_post
):
    first = sent_post(live, contributor, make_post, title="Six coureurs en tête")
    second = sent_post(live, contributor, make_post, title="Ravitaillement au 30e")
    hugo = logged_in(editor)
    hugo.post(f"/editor/{live.slug}/posts/{first.pk}/review/publish/")
    hugo.post(
        f"/editor/{live.slug}/posts/{second.pk}/review/send-back/",
        {"note": "Combien de gobelets ?"},
    )
    log = hugo.get(f"/editor/{live.slug}/audit/").content.decode()
    assert "a envoyé « Six coureurs en tête » pour relecture à" in log
    assert "a publié « Six coureurs en tête », envoyée pour relecture par Amadou Sy, à" in log
    assert "a renvoyé « Ravitaillement au 30e » à son auteur à" in log
    assert "« Combien de gobelets ? »" in log
