"""The audit log read as sentences in the interface's language, times in UTC."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from liveblog.desk.audit_log import audit_lines, sentence
from liveblog.models import AuditEntry

pytestmark = pytest.mark.django_db

AT = datetime(2025, 10, 21, 21, 35, tzinfo=UTC)


def entry(action: str, **detail) -> AuditEntry:
    return AuditEntry(
        at=AT, user_id=None, username="jeanne", action=action, post_label="Le pont", detail=detail
    )


def said(item: AuditEntry, language: str = "fr", names=None) -> str:
    with translation.override(language):
        return str(sentence(item, names or {}))


def test_a_publication_reads_as_a_sentence_with_the_time_in_utc():
    text = said(entry("post.published", published_at=AT.isoformat()), names={None: ""})
    assert text == (
        'jeanne a publié « Le pont » à <time datetime="2025-10-21T21:35:00+00:00">21H35</time>.'
    )


def test_people_are_named_as_the_desk_knows_them(journalist):
    item = entry("post.pinned", pinned=True)
    item.user_id = journalist.pk
    item.save()
    with translation.override("fr"):
        (line,) = audit_lines([item])
    assert str(line.sentence).startswith("Jeanne Martin a épinglé « Le pont » à ")


def test_toggles_say_which_way_they_went():
    assert "a désépinglé « Le pont »" in said(entry("post.pinned", pinned=False))
    assert "a marqué « Le pont » comme essentiel" in said(entry("post.key_event", key_event=True))
    assert "a retiré « Le pont » de l\u2019essentiel" in said(
        entry("post.key_event", key_event=False)
    )


def test_an_edit_says_what_changed_and_a_backdating_says_from_when_to_when():
    changed = said(entry("post.edited", status="published", changed=["title", "blocks"]))
    assert "a mis à jour « Le pont » (titre, texte et blocs) à" in changed
    moved = said(
        entry(
            "post.edited",
            status="published",
            content_changed=False,
            displayed_at={"from": "2025-10-21T21:35:00+00:00", "to": "2025-10-21T21:05:00+00:00"},
        )
    )
    assert "du 21 octobre 2025 à 21H35 au 21 octobre 2025 à 21H05" in moved


def test_a_scheduled_post_and_a_backdated_publication_name_both_times():
    scheduled = said(entry("post.scheduled", at="2025-10-22T08:00:00+00:00"))
    assert "a programmé « Le pont » pour le 22 octobre 2025 à 8H00, à" in scheduled
    backdated = said(entry("post.published", published_at="2025-10-21T20:00:00+00:00"))
    assert "(heure affichée : 21 octobre 2025 à 20H00)" in backdated


def test_sentences_follow_the_interface_language():
    assert said(entry("session.ended"), "en").startswith("jeanne ended the live at ")
    assert "21:35" in said(entry("session.ended"), "en")


def test_plural_forms_are_real_ones():
    one = said(entry("session.imported", posts=1))
    many = said(entry("session.imported", posts=17))
    assert "(1 publication)" in one and "(17 publications)" in many


def test_what_a_person_typed_is_escaped_and_an_unknown_action_still_reads():
    item = entry("post.deleted")
    item.post_label = "<script>alert(1)</script>"
    assert "&lt;script&gt;" in said(item) and "<script>" not in said(item)
    assert said(entry("post.teleported")).startswith("jeanne : post.teleported, à ")


def test_nobody_named_is_the_system():
    item = entry("post.published")
    item.username = ""
    assert said(item).startswith("Le système a publié")
