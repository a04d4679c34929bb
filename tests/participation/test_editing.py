"""An answer to a reader and a poll stay editable in the composer, the quoted question and
the poll (its votes too) kept."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from liveblog.domain.polls import create_poll_post
from liveblog.domain.questions import answer_question
from liveblog.domain.revisions import restore_revision
from liveblog.models import Block, Poll, Question, Revision
from tests.helpers import composer_data, paragraph
from tests.helpers.pages import composer_fields

pytestmark = pytest.mark.django_db


def test_editing_an_answer_keeps_the_quoted_question(client, asking_session, editor):
    question = Question.objects.create(
        session=asking_session, text="Le pont est-il ouvert ?", name="Camille"
    )
    post = answer_question(question=question, by=editor, answer="Oui.", title="Le pnot")
    client.force_login(editor)
    url = reverse("desk:post-edit", args=[asking_session.slug, post.pk])
    page = client.get(url).content.decode()
    # What the editor's browser sends after fixing the title, nothing else touched.
    data = composer_fields(page) | {"title": "Le pont", "action": "publish"}
    assert client.post(url, data).status_code == 302
    post.refresh_from_db()
    assert post.title == "Le pont"
    blocks = [(b.kind, b.text, b.attribution) for b in post.blocks.all()]
    assert blocks == [
        ("question", "Le pont est-il ouvert ?", "Camille"),
        ("paragraph", "<p>Oui.</p>", ""),
    ]


@pytest.fixture
def edit_form(client, session, editor, poll_post, voted_poll):
    """The poll post's edit page, opened by the editor: its URL and what its form sends as it
    is, with the title "Votre pronostic du jour" typed in."""
    client.force_login(editor)
    url = reverse("desk:post-edit", args=[session.slug, poll_post.pk])
    page = client.get(url).content.decode()
    assert "Qui gagnera le marathon ?" in page and "Amara (2 votes)" in page
    return url, composer_fields(page) | {"title": "Votre pronostic du jour"}


def test_editing_a_poll_post_in_the_composer_keeps_the_poll_and_its_votes(
    client, session, poll_post, voted_poll, edit_form
):
    url, sent = edit_form

    assert client.post(url, sent | {"action": "publish"}).status_code == 302

    poll_post.refresh_from_db()
    assert poll_post.title == "Votre pronostic du jour" and poll_post.is_published
    assert [(b.kind, b.poll_id) for b in poll_post.blocks.all()] == [
        ("paragraph", None),
        ("poll", voted_poll.pk),
    ]
    poll = Poll.objects.get()
    assert (poll.question, poll.closes_at) == (voted_poll.question, voted_poll.closes_at)
    assert [(c.label, c.votes) for c in poll.choices.all()] == [
        ("Amara", 2),
        ("Bruno", 0),
        ("Chen", 1),
    ]
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Votre pronostic du jour" in page and f'data-poll="{poll.pk}"' in page


def test_an_autosaved_edit_of_a_poll_post_comes_back_with_its_poll(
    client, session, poll_post, voted_poll, edit_form
):
    url, sent = edit_form
    autosave = reverse("desk:post-autosave", args=[session.slug, poll_post.pk])
    assert client.post(autosave, sent).status_code < 400

    reopened = composer_fields(client.get(url).content.decode())

    assert reopened["title"] == "Votre pronostic du jour"
    assert reopened["blocks-1-kind"] == "poll"
    assert reopened["blocks-1-poll"] == str(voted_poll.pk)


def test_a_poll_cannot_be_copied_into_another_post(client, session, editor, poll_post, poll):
    client.force_login(editor)
    other = client.post(
        reverse("desk:post-new", args=[session.slug]),
        composer_data(paragraph(), ("poll", {"poll": poll.pk}), title="Copie"),
    )
    assert other.status_code == 422
    assert "Un sondage ne peut figurer qu&#x27;une fois" in other.content.decode()
    assert list(Block.objects.filter(poll=poll).values_list("post", flat=True)) == [poll_post.pk]


def test_restoring_an_earlier_version_of_a_poll_post_keeps_the_poll(
    client, session, editor, poll_post, voted_poll, edit_form
):
    url, sent = edit_form
    client.post(url, sent | {"action": "publish"})
    history = reverse("desk:post-revisions", args=[session.slug, poll_post.pk])
    assert f"Sondage #{voted_poll.pk}" in client.get(history).content.decode()

    restore_revision(Revision.objects.get(post=poll_post, version=1), by=editor)

    poll_post.refresh_from_db()
    assert poll_post.title == "Votre pronostic"
    assert [(b.kind, b.poll_id) for b in poll_post.blocks.all()] == [
        ("paragraph", None),
        ("poll", voted_poll.pk),
    ]
    assert voted_poll.total_votes() == 3


def test_a_post_that_is_only_a_poll_is_edited_like_any_other(client, session, editor):
    post = create_poll_post(
        session=session,
        by=editor,
        question="Fera-t-il beau à l'arrivée ?",
        choices=["Oui", "Non"],
        closes_at=timezone.now() + timedelta(minutes=30),
        title="Météo",
    )
    client.force_login(editor)
    url = reverse("desk:post-edit", args=[session.slug, post.pk])
    sent = composer_fields(client.get(url).content.decode()) | {"title": "La météo"}

    assert client.post(url, sent | {"action": "publish"}).status_code == 302

    post.refresh_from_db()
    assert post.title == "La météo"
    assert [block.poll.question for block in post.blocks.all()] == ["Fera-t-il beau à l'arrivée ?"]
