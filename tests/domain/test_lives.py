"""A live's life, one domain function per change: each writes the change, what readers
must see (an event) and the audit entry, or refuses with a reason a person can read."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import get_resolver
from django.utils import timezone

from liveblog.domain import lives, sessions
from liveblog.domain.scheduling import end_due_lives, start_due_lives
from liveblog.models import AuditEntry, Event, LiveSession, Post, Rubric
from liveblog.models.sessions import RESERVED_SLUGS
from tests.helpers import START

pytestmark = pytest.mark.django_db

# What Django's <slug:…> converter takes.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def actions(live) -> list[str]:
    return list(
        AuditEntry.objects.filter(live_session_id=live.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


def session_events(live) -> int:
    return Event.objects.filter(session_id=live.pk, kind="session.updated").count()


def test_creating_a_live_makes_it_scheduled_with_its_plan_and_an_audit_entry(editor, make_photo):
    photo = make_photo()
    starts = timezone.now() + timedelta(hours=2)
    live = lives.create_live(
        by=editor,
        headline="Nuit électorale à Valmont",
        slug="nuit-electorale-valmont",
        language="fr",
        standfirst="Les résultats bureau par bureau.",
        credits="Avec Jeanne Martin et Hugo Lefèvre.",
        lead_photo=photo,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
    )
    live.refresh_from_db()
    assert live.status == "scheduled" and live.started_at is None
    assert (live.scheduled_for, live.scheduled_end) == (starts, starts + timedelta(hours=6))
    assert live.lead_photo == photo and live.credits == "Avec Jeanne Martin et Hugo Lefèvre."
    entry = AuditEntry.objects.get(action="session.created")
    assert entry.username == "hugo" and entry.detail["slug"] == "nuit-electorale-valmont"


def test_a_slug_already_taken_or_reserved_for_the_site_is_refused(editor, session):
    with pytest.raises(ValidationError, match="marathon"):
        lives.create_live(by=editor, headline="Autre", slug="marathon")
    for slug in ("new", "photos", "alerts", "lives", "Login"):
        with pytest.raises(ValidationError) as refused:
            lives.create_live(by=editor, headline="Nouveau", slug=slug)
        assert refused.value.message_dict["slug"] == [
            f"Le slug « {slug} » est réservé : le site utilise déjà cette adresse. "
            "Choisissez un autre slug."
        ]
    assert LiveSession.objects.count() == 1


def test_a_reserved_slug_is_refused_by_the_model_itself(editor):
    live = LiveSession(slug="photos", headline="Les photos du jour")
    with pytest.raises(ValidationError) as refused:
        live.full_clean()
    assert "est réservé" in refused.value.message_dict["slug"][0]


def fixed_segments(prefix: str) -> set[str]:
    """The first path segment of every URL under `prefix` that is no parameter."""
    include = next(p for p in get_resolver().url_patterns if str(p.pattern) == prefix[1:])
    segments = set()
    for pattern in include.url_patterns:
        first = str(pattern.pattern).lstrip("^").split("/")[0]
        if first and not first.startswith(("<", "(")):
            segments.add(first)
    return segments


@pytest.mark.parametrize("prefix", ["/editor/", "/live/", "/api/"])
def test_every_fixed_address_where_a_slug_could_stand_is_a_reserved_slug(prefix):
    slugs = {segment for segment in fixed_segments(prefix) if SLUG.fullmatch(segment)}
    assert slugs, f"no fixed address found under {prefix}"
    assert slugs <= RESERVED_SLUGS, f"reserve {sorted(slugs - RESERVED_SLUGS)}"


def test_the_suggested_slug_comes_from_the_headline_and_is_free(session):
    assert lives.suggested_slug("Élections : la soirée") == "elections-la-soiree"
    assert lives.suggested_slug("Marathon") == "marathon-2"
    assert lives.suggested_slug("New") == "new-2"
    assert lives.suggested_slug("Photos") == "photos-2"
    assert lives.suggested_slug("Alerts") == "alerts-2"


def test_an_end_planned_before_the_start_is_refused(editor):
    starts = timezone.now() + timedelta(hours=2)
    with pytest.raises(ValidationError, match="après le début prévu"):
        lives.create_live(
            by=editor, headline="Tempête", slug="tempete", starts_at=starts, ends_at=starts
        )


def test_scheduling_tells_readers_the_planned_start_and_is_audited(editor, make_session):
    live = make_session(slug="tempete", status="scheduled")
    starts = timezone.now() + timedelta(days=1)
    lives.schedule_live(live=live, by=editor, starts_at=starts, ends_at=None)
    live.refresh_from_db()
    assert live.scheduled_for == starts
    assert session_events(live) == 1
    assert actions(live) == ["session.scheduled"]
    lives.schedule_live(live=live, by=editor, starts_at=starts, ends_at=None)
    assert actions(live) == ["session.scheduled"], "nothing changed, nothing recorded"


def test_a_running_live_can_plan_its_end_but_not_before_its_start(editor, session):
    with pytest.raises(ValidationError):
        lives.schedule_live(
            live=session, by=editor, starts_at=None, ends_at=START - timedelta(minutes=1)
        )
    ends = timezone.now() + timedelta(hours=3)
    lives.schedule_live(live=session, by=editor, starts_at=None, ends_at=ends)
    session.refresh_from_db()
    assert session.scheduled_end == ends


def test_the_scheduler_starts_and_ends_a_live_at_its_planned_times(editor, make_session):
    live = make_session(slug="tempete", status="scheduled")
    starts = timezone.now() + timedelta(minutes=10)
    lives.schedule_live(live=live, by=editor, starts_at=starts, ends_at=starts + timedelta(hours=1))
    assert start_due_lives(now=starts - timedelta(seconds=1)) == []
    assert start_due_lives(now=starts) == [live]
    live.refresh_from_db()
    assert live.status == "live" and live.started_at == starts
    assert end_due_lives(now=starts + timedelta(minutes=59)) == []
    assert end_due_lives(now=starts + timedelta(hours=2)) == [live]
    live.refresh_from_db()
    assert live.status == "ended" and live.ended_at == starts + timedelta(hours=1)
    assert actions(live)[-2:] == ["session.started", "session.ended"]
    started = AuditEntry.objects.get(action="session.started", live_session_id=live.pk)
    assert started.username == "", "the scheduler, not a person, started it"


def test_the_run_scheduler_command_starts_a_due_live(editor, make_session, capsys):
    from django.core.management import call_command

    live = make_session(slug="tempete", status="scheduled")
    lives.schedule_live(live=live, by=editor, starts_at=timezone.now(), ends_at=None)
    call_command("run_scheduler", "--once")
    live.refresh_from_db()
    assert live.status == "live"
    assert "Started live" in capsys.readouterr().out


def test_assigning_journalists_records_who_was_added_and_removed(
    editor, journalist, session, django_user_model
):
    paul = django_user_model.objects.create_user("paul", first_name="Paul", last_name="Roy")
    lives.assign_journalists(live=session, by=editor, people=[journalist, paul])
    assert set(session.journalists.all()) == {journalist, paul}
    lives.assign_journalists(live=session, by=editor, people=[paul])
    assert list(session.journalists.all()) == [paul]
    entries = AuditEntry.objects.filter(action="session.people_changed").order_by("id")
    assert entries[0].detail == {"added": ["Jeanne Martin", "Paul Roy"], "removed": []}
    assert entries[1].detail == {"added": [], "removed": ["Jeanne Martin"]}


def test_a_rubric_keeps_its_case_and_the_same_words_are_the_same_rubric(editor, session):
    old = Rubric.named("diplomatie")
    rubric = lives.offer_rubric(live=session, by=editor, name="Diplomatie")
    assert rubric.pk == old.pk and rubric.name == "Diplomatie"
    assert list(session.rubrics.values_list("name", flat=True)) == ["Diplomatie"]
    assert Rubric.objects.count() == 1
    assert actions(session)[-2:] == ["rubric.renamed", "session.rubric_offered"]
    lives.offer_rubric(live=session, by=editor, name="Corée du Nord")
    assert Rubric.objects.get(key="coree du nord").name == "Corée du Nord"
    lives.withdraw_rubric(live=session, by=editor, rubric=rubric)
    assert list(session.rubrics.values_list("name", flat=True)) == ["Corée du Nord"]
    assert Rubric.objects.filter(pk=rubric.pk).exists(), "posts that carry it keep it"


def test_reopening_an_ended_live_puts_it_back_live_for_readers(editor, make_session):
    live = make_session(slug="tempete", status="ended")
    live.scheduled_end = live.ended_at
    live.save(update_fields=["scheduled_end"])
    before = session_events(live)
    sessions.reopen_session(session=live, by=editor)
    live.refresh_from_db()
    assert live.status == "live" and live.ended_at is None and live.started_at == START
    assert live.scheduled_end is None, "a past planned end would end it again at once"
    assert session_events(live) == before + 1
    event = Event.objects.filter(session=live).latest("seq")
    assert event.data == {"status": "live"} and "Direct démarré" in event.html
    entry = AuditEntry.objects.filter(action="session.reopened").get()
    assert entry.detail["status"] == {"from": "ended", "to": "live"}
    assert end_due_lives(now=timezone.now()) == []


def test_starting_an_ended_live_reopens_it_instead_of_failing(editor, make_session):
    live = make_session(slug="tempete", status="ended")
    sessions.start_session(session=live, by=editor)
    live.refresh_from_db()
    assert live.status == "live" and live.ended_at is None


def test_only_an_ended_live_is_reopened_or_archived(editor, session):
    with pytest.raises(ValidationError, match="terminé"):
        sessions.reopen_session(session=session, by=editor)
    with pytest.raises(ValidationError, match="Terminez le direct"):
        sessions.archive_session(session=session, by=editor)


def test_archiving_tells_readers_the_live_is_archived(client, editor, make_session):
    live = make_session(slug="tempete", status="ended")
    sessions.archive_session(session=live, by=editor)
    live.refresh_from_db()
    assert live.status == "archived" and live.archived_at is not None
    html = client.get("/live/tempete/").content.decode()
    assert "Direct archivé" in html and "Direct terminé le" in html
    assert "session.archived" in actions(live)


def test_a_live_that_never_went_public_is_deleted_with_its_drafts(editor, make_session, make_post):
    live = make_session(slug="erreur", status="scheduled")
    make_post(live, title="Brouillon", status="draft")
    lives.delete_live(live=live, by=editor)
    assert not LiveSession.objects.filter(slug="erreur").exists()
    assert not Post.objects.filter(title="Brouillon").exists()
    entry = AuditEntry.objects.get(action="session.deleted")
    assert entry.detail == {"headline": live.headline, "slug": "erreur", "posts": 1}


def test_a_live_that_has_started_cannot_be_deleted_and_says_why(editor, make_session):
    live = make_session(slug="tempete", status="ended")
    with pytest.raises(ValidationError, match="ne peut donc pas être supprimé"):
        lives.delete_live(live=live, by=editor)
    assert LiveSession.objects.filter(slug="tempete").exists()
    assert "session.deleted" not in actions(live)
