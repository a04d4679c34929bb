"""An answer to a reader stays editable in the composer, its quoted question kept."""

import pytest
from django.urls import reverse

from liveblog.desk.composer import state_of
from liveblog.domain.questions import answer_question
from liveblog.models import Question

pytestmark = pytest.mark.django_db


def test_editing_an_answer_keeps_the_quoted_question(client, asking_session, editor):
    question = Question.objects.create(
        session=asking_session, text="Le pont est-il ouvert ?", name="Camille"
    )
    post = answer_question(question=question, by=editor, answer="Oui.", title="Le pnot")
    client.force_login(editor)
    url = reverse("desk:post-edit", args=[asking_session.slug, post.pk])
    assert client.get(url).status_code == 200
    data = state_of(post) | {
        "title": "Le pont",
        "action": "publish",
        "blocks-INITIAL_FORMS": 0,
        "scheduled_for": "",
    }
    assert client.post(url, data).status_code == 302
    post.refresh_from_db()
    assert post.title == "Le pont"
    blocks = [(b.kind, b.text, b.attribution) for b in post.blocks.all()]
    assert blocks == [
        ("question", "Le pont est-il ouvert ?", "Camille"),
        ("paragraph", "<p>Oui.</p>", ""),
    ]
