"""A live session leaves as one JSON archive and comes back identical into an empty database."""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from liveblog.domain.notes import post_note
from liveblog.domain.polls import cast_vote, flush_poll_results
from liveblog.domain.posts import set_key_event, set_pinned
from liveblog.domain.questions import answer_question, discard_question
from liveblog.domain.revisions import restore_revision, snapshot
from liveblog.domain.sessions import update_header
from liveblog.models import AuditEntry, Block, LiveSession, Poll, Post, Question, Revision, Rubric
from liveblog.photos.renditions import make_renditions
from tests.helpers import composer_data, paragraph

pytestmark = pytest.mark.django_db


def exported(slug: str) -> str:
    out = StringIO()
    call_command("export_session", slug, stdout=out)
    return out.getvalue()


@pytest.fixture
def full_session(client, session, journalist, editor, make_post, make_photo):
    """A live with every kind of block, a photo with renditions as the lead photo, an edit
    and a restored revision, a pinned key event, a deleted post, a draft and a schedule."""
    session.journalists.add(journalist)
    photo = make_photo(caption="L'arrivée sous la pluie.", size=(800, 450))
    make_renditions(photo)
    update_header(session=session, by=editor, lead_photo=photo, credits="Rédaction : Jeanne Martin")
    Rubric.named("Résultats")
    client.force_login(journalist)
    blocks = [
        paragraph("<p>Le vainqueur boucle la course en <strong>2 h 08</strong>.</p>"),
        ("quote", {"text": "Une course magnifique.", "attribution": "Le vainqueur"}),
        ("embed", {"url": "https://bsky.app/profile/marathon.example/post/1", "text": ""}),
        (
            "link",
            {
                "link_kind": "video",
                "link_title": "Revoir l'arrivée",
                "url": "https://example.org/v",
            },
        ),
        (
            "photo",
            {
                "photo": photo.pk,
                "caption": photo.caption,
                "alt_text": "La ligne.",
                "credit": photo.credit.label,
            },
        ),
    ]
    new = f"/editor/{session.slug}/posts/new/"
    client.post(new, composer_data(*blocks, title="Arrivée", rubric="Résultats"))
    post = Post.objects.get(title="Arrivée")
    edit = composer_data(*blocks, title="Arrivée du vainqueur", rubric="Résultats", version=1)
    client.post(f"/editor/{session.slug}/posts/{post.pk}/edit/", edit)
    restore_revision(Revision.objects.get(post=post, version=1), by=editor)
    post.refresh_from_db()
    set_pinned(post=post, pinned=True, by=editor)
    set_key_event(post=post, key_event=True, by=editor)
    make_post(session, title="Faux départ", minutes=5, status="deleted")
    make_post(session, title="Ravitaillement", minutes=10, rubric="Course")
    make_post(session, title="Brouillon du soir", status="draft")
    make_post(session, title="Podium à 14H", minutes=400, status="scheduled")
    session.refresh_from_db()
    return session


def emptied_database() -> None:
    """The database emptied, as on a new server."""
    call_command("flush", interactive=False, verbosity=0)
    assert not LiveSession.objects.exists()


def imported(archive: str, tmp_path) -> None:
    """The archive imported by the command, from a file."""
    path = tmp_path / "marathon.json"
    path.write_text(archive, encoding="utf-8")
    call_command("import_session", str(path), stdout=StringIO())


def imported_into_an_empty_database(archive: str, tmp_path) -> None:
    emptied_database()
    imported(archive, tmp_path)


def articles(html: str) -> list[str]:
    return re.findall(r"<article\b.*?</article>", html, flags=re.S)


@pytest.mark.django_db(transaction=True)
def test_export_then_import_into_an_empty_database_gives_the_same_archive_and_page(
    client, full_session, tmp_path
):
    slug = full_session.slug
    first = exported(slug)
    page_before = client.get(f"/live/{slug}/").content.decode()
    assert len(json.loads(first)["posts"]) == 5

    imported_into_an_empty_database(first, tmp_path)

    assert exported(slug) == first
    page_after = client.get(f"/live/{slug}/").content.decode()
    assert articles(page_after) == articles(page_before)
    assert len(articles(page_after)) == 2
    assert "Arrivée" in page_after and "2 h 08" in page_after and "srcset" in page_after
    imported = LiveSession.objects.get(slug=slug)
    assert imported.events.count() == imported.last_seq == json.loads(first)["session"]["last_seq"]
    assert AuditEntry.objects.filter(action="session.imported").count() == 1


@pytest.mark.django_db(transaction=True)
def test_posts_written_after_an_import_get_new_numbers(client, full_session, tmp_path, editor):
    first = exported(full_session.slug)
    imported_into_an_empty_database(first, tmp_path)
    session = LiveSession.objects.get()
    highest = max(post["id"] for post in json.loads(first)["posts"])
    post = Post.objects.create(session=session, author=session.posts.first().author)
    assert post.pk > highest


def test_an_archive_whose_live_already_exists_is_refused_and_nothing_changes(
    full_session, tmp_path
):
    archive = tmp_path / "marathon.json"
    archive.write_text(exported(full_session.slug), encoding="utf-8")
    posts, blocks = Post.objects.count(), Block.objects.count()
    with pytest.raises(CommandError, match="« marathon » existe déjà"):
        call_command("import_session", str(archive))
    assert (Post.objects.count(), Block.objects.count()) == (posts, blocks)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{pas du json", "n'est pas une archive JSON"),
        ('{"format": "autre chose"}', "n'est pas une archive de direct"),
        ('{"format": "newsroom-liveblog/session", "version": 99}', r"archive \(99\) ne peut pas"),
        (
            '{"format": "newsroom-liveblog/session", "version": 1, "session": {"slug": "x"}}',
            "archive est mal formée",
        ),
    ],
)
def test_a_malformed_archive_is_refused_with_a_clear_message(tmp_path, content, message):
    archive = tmp_path / "archive.json"
    archive.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_session", str(archive))
    assert not LiveSession.objects.exists()


def test_an_archive_cut_short_writes_nothing(full_session, tmp_path):
    archive = json.loads(exported(full_session.slug))
    archive["session"]["slug"] = "marathon-copie"
    archive["posts"] = []
    del archive["events"]
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(archive), encoding="utf-8")
    with pytest.raises(CommandError, match="mal formée"):
        call_command("import_session", str(path))
    assert not LiveSession.objects.filter(slug="marathon-copie").exists()


def test_editors_download_the_archive_from_the_desk(client, full_session, editor):
    client.force_login(editor)
    response = client.get(f"/editor/{full_session.slug}/export/")
    assert response["Content-Disposition"] == 'attachment; filename="marathon.json"'
    assert response.content.decode() == exported(full_session.slug)


def test_the_archive_names_people_rubrics_and_photo_credits(full_session):
    archive = json.loads(exported(full_session.slug))
    arrival = next(post for post in archive["posts"] if post["title"] == "Arrivée")
    assert arrival["author"] == "jeanne" and arrival["rubric"] == "Résultats"
    assert [block["kind"] for block in arrival["blocks"]] == [
        "paragraph",
        "quote",
        "embed",
        "link",
        "photo",
    ]
    assert [revision["version"] for revision in arrival["revisions"]] == [1, 2, 3]
    assert arrival["revisions"][1]["title"] == "Arrivée du vainqueur"
    photo = archive["photos"][0]
    assert photo["credit"] == {"photographer": "Léa Moreau", "agency": "Clairvue", "via": ""}
    assert {r["format"] for r in photo["renditions"]} == {"webp", "jpeg"}
    assert archive["session"]["lead_photo"] == photo["id"]
    assert archive["session"]["journalists"] == ["jeanne"]
    assert [event["seq"] for event in archive["events"]] == list(
        range(1, archive["session"]["last_seq"] + 1)
    )
    assert any('id="post-' in event["html"] for event in archive["events"])


@pytest.mark.django_db(transaction=True)
def test_the_import_names_the_photo_files_still_to_copy(full_session, tmp_path, settings):
    first = exported(full_session.slug)
    call_command("flush", interactive=False, verbosity=0)
    archive = tmp_path / "marathon.json"
    archive.write_text(first, encoding="utf-8")
    settings.MEDIA_ROOT = tmp_path / "new-server-media"
    errors = StringIO()
    call_command("import_session", str(archive), stdout=StringIO(), stderr=errors)
    photo_file = json.loads(first)["photos"][0]["file"]
    assert "1 photo file(s) not in MEDIA_ROOT yet" in errors.getvalue()
    assert photo_file in errors.getvalue()


def test_exporting_a_live_takes_as_many_queries_at_20_posts_as_at_5(
    session, make_post, make_photo, django_assert_max_num_queries
):
    """Posts with photos, each with renditions and a revision: the cost per post is zero."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liveblog.domain.archive import export_session

    def add_posts(count: int) -> None:
        for number in range(count):
            photo = make_photo(caption=f"Kilomètre {number}", size=(400, 225))
            make_renditions(photo)
            post = make_post(
                session,
                title=f"Kilomètre {number}",
                minutes=number,
                blocks=[paragraph(f"Au kilomètre {number}."), ("photo", {"photo": photo})],
            )
            snapshot(post, by=post.author)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            archive = export_session(LiveSession.objects.get(pk=session.pk))
        assert len(archive["posts"]) == Post.objects.filter(session=session).count()
        return len(captured)

    add_posts(5)
    at_five = queries()
    add_posts(15)
    assert queries() == at_five
    with django_assert_max_num_queries(12):
        export_session(session)


@pytest.fixture
def participating_session(
    full_session, post_with_every_block, poll_post, voted_poll, editor, journalist
):
    """`full_session` with a post of every block kind, a poll with votes (its post with a
    revision that names it), readers' questions (answered, waiting, discarded) and the
    desk's notes."""
    session = full_session
    LiveSession.objects.filter(pk=session.pk).update(accepts_questions=True)
    flush_poll_results(now=timezone.now() + timedelta(minutes=1))
    snapshot(poll_post, by=editor)
    answered = Question.objects.create(
        session=session, text="Le pont de Bercy est-il fermé ?", name="Camille"
    )
    answer_question(question=answered, by=editor, answer="Oui, jusqu'à 15 h.", title="Le pont")
    Question.objects.create(session=session, text="Où voir l'arrivée ?")
    discard_question(
        question=Question.objects.create(session=session, text="Qui paie les dossards ?"),
        by=editor,
    )
    post_note(session=session, author=editor, text="Source confirmée ?", post=post_with_every_block)
    post_note(session=session, author=journalist, text="Je file au pont.")
    session.refresh_from_db()
    return session


@pytest.mark.django_db(transaction=True)
def test_a_live_with_every_block_a_poll_and_questions_comes_back_whole(
    client, participating_session, voted_poll, tmp_path
):
    slug = participating_session.slug
    first = exported(slug)
    page_before = client.get(f"/live/{slug}/").content.decode()
    archive = json.loads(first)
    kinds = {block["kind"] for post in archive["posts"] for block in post["blocks"]}
    assert kinds == set(Block.Kind.values)

    imported_into_an_empty_database(first, tmp_path)

    assert exported(slug) == first
    page_after = client.get(f"/live/{slug}/").content.decode()
    assert articles(page_after) == articles(page_before)
    poll = Poll.objects.get()
    assert [(c.label, c.votes) for c in poll.choices.all()] == [
        ("Amara", 2),
        ("Bruno", 0),
        ("Chen", 1),
    ]
    assert (poll.question, poll.closes_at) == ("Qui gagnera le marathon ?", voted_poll.closes_at)
    assert f'data-poll="{poll.pk}"' in page_after
    imported = LiveSession.objects.get(slug=slug)
    assert imported.accepts_questions
    questions = [(q.text, q.status, q.answer and q.answer.title) for q in imported.questions.all()]
    assert questions == [
        ("Le pont de Bercy est-il fermé ?", "answered", "Le pont"),
        ("Où voir l'arrivée ?", "pending", None),
        ("Qui paie les dossards ?", "discarded", None),
    ]
    notes = [
        (n.author.username, n.text, n.post and n.post.title)
        for n in imported.desk_notes.order_by("id")
    ]
    assert notes == [
        ("hugo", "Source confirmée ?", "Arrivée de la tête de course"),
        ("jeanne", "Je file au pont.", None),
    ]
    # The imported poll takes votes on the live page as before.
    cast_vote(poll=poll, choice_id=poll.choices.get(label="Bruno").pk)
    assert poll.total_votes() == 4


@pytest.mark.django_db(transaction=True)
def test_an_imported_poll_takes_the_next_free_number_and_its_post_and_revision_follow(
    participating_session, tmp_path
):
    first = exported(participating_session.slug)
    emptied_database()
    # This server already has polls, one of them with the archive's poll's number.
    number = json.loads(first)["polls"][0]["id"]
    others = [Poll.objects.create(question="Un autre sondage ?", closes_at=timezone.now())]
    while others[-1].pk < number:
        others.append(Poll.objects.create(question="Encore un ?", closes_at=timezone.now()))
    assert others[-1].pk == number

    imported(first, tmp_path)

    poll = Poll.objects.exclude(pk__in=[other.pk for other in others]).get()
    post = Post.objects.get(title="Votre pronostic")
    assert post.blocks.get(kind="poll").poll == poll
    assert [block["poll"] for block in post.revisions.get().blocks] == [None, poll.pk]
    assert poll.total_votes() == 3 and others[-1].total_votes() == 0
