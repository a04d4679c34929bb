from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from liveblog.domain.posts import delete_post, record_edit, restore_post, set_key_event, set_pinned
from liveblog.domain.sessions import archive_session, end_session, start_session, update_header
from liveblog.models import Block, Event, LiveSession, PhotoCredit, Post, Rubric
from tests.helpers import START

pytestmark = pytest.mark.django_db


def test_rubrics_differing_only_in_case_and_accents_are_one_rubric():
    first = Rubric.named("Élections en Moldavie")
    assert Rubric.named("élections en moldavie") == first
    assert Rubric.named("  ELECTIONS   en Moldavie ") == first
    with pytest.raises(IntegrityError):
        Rubric.objects.create(name="Elections en moldavie")


def test_rubric_form_validation_names_the_existing_rubric():
    Rubric.named("Diplomatie")
    with pytest.raises(ValidationError) as error:
        Rubric(name="diplomatie").full_clean()
    assert "Diplomatie" in str(error.value)


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"agency": "AP", "photographer": "Jane Doe"}, "© AP Photo/Jane Doe"),
        ({"photographer": "Jane Doe"}, "© Jane Doe"),
        ({"agency": "AFP"}, "© AFP"),
        ({"photographer": "Office X", "via": "AP"}, "© Office X via AP"),
    ],
)
def test_photo_credit_renders_one_way(fields, label):
    assert PhotoCredit.objects.create(**fields).label == label


def test_photo_credit_must_name_someone_and_is_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        PhotoCredit.objects.create(via="AP")
    PhotoCredit.objects.create(agency="AP", photographer="Jane Doe")
    with pytest.raises(IntegrityError):
        PhotoCredit.objects.create(agency="AP", photographer="Jane Doe")


def test_database_refuses_a_published_post_without_time(session, journalist):
    with pytest.raises(IntegrityError):
        Post.objects.create(session=session, author=journalist, status="published")


def test_database_refuses_a_session_ending_before_it_starts():
    with pytest.raises(IntegrityError):
        LiveSession.objects.create(
            slug="x",
            headline="x",
            status="ended",
            started_at=START,
            ended_at=START - timedelta(minutes=1),
        )


def test_database_refuses_a_live_session_without_start():
    with pytest.raises(IntegrityError):
        LiveSession.objects.create(slug="x", headline="x", status="live")


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "paragraph", "text": ""},
        {"kind": "quote", "text": "", "attribution": "Someone"},
        {"kind": "photo"},
        {"kind": "embed", "url": ""},
        {"kind": "link", "url": "https://example.org/", "link_kind": "article", "link_title": ""},
        {"kind": "link", "url": "https://example.org/", "link_kind": "", "link_title": "Lire"},
        {"kind": "poem", "text": "Roses"},
    ],
)
def test_database_refuses_incomplete_blocks(session, journalist, fields):
    post = Post.objects.create(session=session, author=journalist)
    with pytest.raises(IntegrityError):
        Block.objects.create(post=post, position=0, **fields)


def test_two_blocks_cannot_share_a_position(session, journalist):
    post = Post.objects.create(session=session, author=journalist)
    Block.objects.create(post=post, position=0, kind="paragraph", text="Un")
    with pytest.raises(IntegrityError):
        Block.objects.create(post=post, position=0, kind="paragraph", text="Deux")


def test_paragraph_html_is_cut_to_the_allow_list(session, journalist):
    post = Post.objects.create(session=session, author=journalist)
    block = Block.objects.create(
        post=post,
        position=0,
        kind="paragraph",
        text='<p onclick="x()">Bonjour <script>alert(1)</script><a href="javascript:alert(1)">ici</a>'
        " <strong>fort</strong></p><img src=x onerror=alert(1)>",
    )
    assert "script" not in block.text
    assert "onclick" not in block.text
    assert "javascript:" not in block.text
    assert "<img" not in block.text
    assert "<strong>fort</strong>" in block.text


def test_bare_paragraph_text_becomes_paragraphs(session, journalist):
    post = Post.objects.create(session=session, author=journalist)
    block = Block.objects.create(post=post, position=0, kind="paragraph", text="Un.\n\nDeux.")
    assert block.text == "<p>Un.</p><p>Deux.</p>"


def test_every_visible_change_appends_one_event_with_the_next_number(session, make_post, editor):
    post = make_post(session)
    record_edit(post=post, by=editor)
    set_pinned(post=post, pinned=True, by=editor)
    set_key_event(post=post, key_event=True, by=editor)
    delete_post(post=post, by=editor)
    restore_post(post=post, by=editor)
    update_header(session=session, headline="Nouveau titre", by=editor)
    end_session(session=session, by=editor)
    kinds = list(session.events.order_by("seq").values_list("seq", "kind"))
    # The session's start was event 1.
    assert kinds == [
        (1, "session.updated"),
        (2, "post.published"),
        (3, "post.updated"),
        (4, "post.updated"),
        (5, "post.updated"),
        (6, "post.deleted"),
        (7, "post.published"),
        (8, "session.updated"),
        (9, "session.updated"),
    ]
    session.refresh_from_db()
    assert session.last_seq == 9


def test_drafts_and_scheduled_posts_write_no_event(session, make_post):
    make_post(session, status="draft")
    make_post(session, status="scheduled", minutes=90)
    assert list(session.events.values_list("kind", flat=True)) == ["session.updated"]


def test_a_change_rolled_back_leaves_no_event_and_no_gap(session, make_post, editor):
    post = make_post(session)
    with pytest.raises(RuntimeError), transaction.atomic():
        set_pinned(post=post, pinned=True, by=editor)
        raise RuntimeError("the database went away")
    post.refresh_from_db()
    assert not post.pinned
    set_key_event(post=post, key_event=True, by=editor)
    assert list(session.events.values_list("seq", flat=True)) == [1, 2, 3]


def test_event_carries_the_post_as_readers_see_it(session, make_post):
    post = make_post(session, title="Le peloton passe le pont")
    event = Event.objects.get(session=session, kind="post.published")
    message = event.as_message()
    assert message["seq"] == 2
    assert message["post"] == post.pk
    assert f'id="post-{post.pk}"' in message["html"]
    assert "Le peloton passe le pont" in message["html"]


def test_sequences_are_per_session(make_session, make_post):
    first = make_session(slug="a")
    second = make_session(slug="b")
    make_post(first)
    make_post(second)
    make_post(second)
    assert list(second.events.values_list("seq", flat=True)) == [1, 2, 3]
    assert list(first.events.values_list("seq", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_record_event_refuses_to_run_outside_a_transaction(session):
    from liveblog.domain.events import record_event

    with pytest.raises(RuntimeError):
        record_event(session, "session.updated")


def test_a_post_is_rendered_before_its_live_is_locked_for_the_next_event_number(
    session, make_post, monkeypatch
):
    from django.db import connection

    from liveblog.domain import events

    post = make_post(session, title="Ravitaillement au km 20")
    steps, real_render = [], events.render_event

    def render(*args):
        steps.append("render")
        return real_render(*args)

    def statement(execute, sql, params, many, context):
        if sql.startswith('UPDATE "liveblog_livesession" SET "last_seq"'):
            steps.append("lock")
        return execute(sql, params, many, context)

    monkeypatch.setattr(events, "render_event", render)
    with connection.execute_wrapper(statement):
        record_edit(post=post, by=post.author)
    # Other journalists' publishes of this live wait on the lock, not on this rendering.
    assert steps == ["render", "lock"]


def test_session_goes_through_its_statuses_with_their_times(make_session, editor):
    session = make_session(status="scheduled")
    assert session.status == "scheduled"
    start_session(session=session, by=editor, at=START)
    end_session(session=session, by=editor, at=START + timedelta(hours=2))
    archive_session(session=session, by=editor, at=START + timedelta(days=30))
    session.refresh_from_db()
    assert (session.status, session.started_at, session.ended_at) == (
        "archived",
        START,
        START + timedelta(hours=2),
    )
    assert session.archived_at == START + timedelta(days=30)


def test_a_header_saved_from_a_stale_copy_keeps_the_event_counter(session, make_post, editor):
    stale = LiveSession.objects.get(pk=session.pk)
    make_post(session, title="Publié entre-temps")
    update_header(session=stale, by=editor, headline="Marathon : la course est lancée")
    end_session(session=stale, by=editor)
    session.refresh_from_db()
    assert session.headline == "Marathon : la course est lancée"
    assert list(session.events.values_list("seq", flat=True)) == [1, 2, 3, 4]
