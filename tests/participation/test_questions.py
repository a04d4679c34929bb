import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from liveblog.domain import questions as question_rules
from liveblog.domain.archive import export_session
from liveblog.models import AuditEntry, Post, Question

pytestmark = pytest.mark.django_db


def ask(client, session, text="Le pont de Bercy est-il fermé ?", name="Camille", **extra):
    data = {"text": text, "name": name, "website": ""} | extra.pop("data", {})
    return client.post(reverse("live:question", args=[session.slug]), data, **extra)


def test_a_readers_question_waits_on_the_desk_and_is_not_on_the_live_page(
    client, asking_session, editor
):
    response = ask(client, asking_session)
    assert response.status_code == 200
    assert "Merci : votre question a été transmise" in response.text
    page = client.get(asking_session.get_absolute_url()).text
    assert "Le pont de Bercy" not in page
    client.force_login(editor)
    queue = client.get(reverse("desk:questions", args=[asking_session.slug])).text
    assert "Le pont de Bercy est-il fermé ?" in queue and "Camille" in queue
    assert AuditEntry.objects.filter(action="question.asked").count() == 1


def test_the_live_page_shows_the_form_only_when_the_live_takes_questions(client, make_session):
    closed = make_session(slug="ferme")
    open_ = make_session(slug="ouvert", accepts_questions=True)
    assert "Posez votre question" not in client.get(closed.get_absolute_url()).text
    page = client.get(open_.get_absolute_url()).text
    assert "Posez votre question à la rédaction" in page and 'name="website"' in page


def test_a_question_to_a_live_not_taking_questions_is_refused_in_french(client, session):
    response = ask(client, session)
    assert response.status_code == 400
    assert "Ce direct ne reçoit pas de questions en ce moment." in response.text
    assert not Question.objects.exists()


def test_a_too_long_question_is_refused_and_given_back_to_the_reader(client, asking_session):
    text = "Pourquoi " * 80
    response = ask(client, asking_session, text=text)
    assert response.status_code == 400
    assert "la limite est de 500" in response.text
    assert "Pourquoi Pourquoi" in response.text  # the form still holds it
    assert not Question.objects.exists()


def test_a_filled_honeypot_is_refused_and_nothing_is_kept(client, asking_session):
    response = ask(client, asking_session, data={"website": "http://spam.example"})
    assert response.status_code == 400
    assert "semble automatisée" in response.text
    assert not Question.objects.exists()


def test_one_address_may_send_three_questions_in_ten_minutes(client, asking_session):
    for number in range(3):
        assert ask(client, asking_session, text=f"Question {number} ?").status_code == 200
    refused = ask(client, asking_session, text="Encore une ?")
    assert refused.status_code == 429
    assert "patientez quelques minutes" in refused.text
    other_reader = ask(client, asking_session, text="Et moi ?", REMOTE_ADDR="192.0.2.7")
    assert other_reader.status_code == 200
    assert Question.objects.count() == 4


def test_a_live_takes_a_bounded_number_of_questions_a_minute(client, asking_session, monkeypatch):
    monkeypatch.setattr(question_rules, "PER_SESSION", (2, 60))
    for number in range(2):
        ask(client, asking_session, REMOTE_ADDR=f"192.0.2.{number + 1}")
    refused = ask(client, asking_session, REMOTE_ADDR="192.0.2.99")
    assert refused.status_code == 429
    assert "beaucoup de questions" in refused.text


def test_questions_are_still_taken_when_the_cache_is_down(client, asking_session, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "add", broken)
    assert ask(client, asking_session).status_code == 200
    assert Question.objects.count() == 1


def test_a_question_is_kept_as_plain_text_and_shown_escaped(client, asking_session, editor):
    ask(client, asking_session, text="<script>alert(1)</script>\x00 Le <b>pont</b> ?")
    question = Question.objects.get()
    assert "\x00" not in question.text
    client.force_login(editor)
    queue = client.get(reverse("desk:questions", args=[asking_session.slug])).text
    assert "<script>alert(1)" not in queue and "&lt;script&gt;" in queue


def test_a_question_from_another_site_is_refused(client, asking_session):
    response = ask(client, asking_session, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 403
    assert not Question.objects.exists()


def test_an_answer_publishes_a_post_quoting_the_question(client, asking_session, journalist):
    asking_session.journalists.add(journalist)
    ask(client, asking_session)
    question = Question.objects.get()
    client.force_login(journalist)
    url = reverse("desk:question-answer", args=[asking_session.slug, question.pk])
    assert "Le pont de Bercy" in client.get(url).text
    response = client.post(url, {"title": "Le pont", "answer": "Oui, jusqu'à 18 heures."})
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.is_published and [b.kind for b in post.blocks.all()] == ["question", "paragraph"]
    question.refresh_from_db()
    assert question.status == "answered" and question.answer == post
    page = client.get(asking_session.get_absolute_url()).text
    assert "Camille, lecteur, demande :" in page and "Le pont de Bercy est-il fermé ?" in page
    assert "jusqu&#x27;à 18 heures" in page or "jusqu'à 18 heures" in page
    assert post.events.filter(kind="post.published").exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"question.asked", "question.answered", "post.published"} <= actions
    again = client.post(url, {"answer": "Deuxième réponse."})
    assert again.status_code == 422 and "déjà été traitée" in again.text
    assert Post.objects.count() == 1


def test_a_discarded_question_leaves_the_queue_and_is_never_published(
    client, asking_session, editor
):
    ask(client, asking_session)
    question = Question.objects.get()
    client.force_login(editor)
    url = reverse("desk:question-discard", args=[asking_session.slug, question.pk])
    client.post(url)
    question.refresh_from_db()
    assert question.status == "discarded"
    queue = client.get(reverse("desk:questions", args=[asking_session.slug])).text
    assert "Le pont de Bercy" not in queue
    assert "Le pont de Bercy" not in client.get(asking_session.get_absolute_url()).text
    assert AuditEntry.objects.filter(action="question.discarded", user_id=editor.pk).exists()


def test_a_journalist_not_on_the_live_cannot_see_its_questions(client, asking_session, journalist):
    ask(client, asking_session)
    client.force_login(journalist)
    assert client.get(reverse("desk:questions", args=[asking_session.slug])).status_code == 403


def test_an_editor_opens_and_closes_a_live_to_questions(client, session, editor):
    client.force_login(editor)
    url = reverse("desk:questions-toggle", args=[session.slug])
    client.post(url, {"accepts": "1"})
    session.refresh_from_db()
    assert session.accepts_questions
    assert "Posez votre question" in client.get(session.get_absolute_url()).text
    client.post(url, {"accepts": "0"})
    session.refresh_from_db()
    assert not session.accepts_questions
    assert AuditEntry.objects.filter(action="session.questions_closed").exists()


def test_questions_are_kept_in_the_export(client, asking_session, editor):
    ask(client, asking_session)
    Question.objects.update(status="discarded")
    archive = json.loads(json.dumps(export_session(asking_session)))
    assert archive["questions"][0]["text"] == "Le pont de Bercy est-il fermé ?"
    assert archive["questions"][0]["status"] == "discarded"
