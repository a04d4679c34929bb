"""Contributors' posts go through the live's review queue: sent by their author, then
published or sent back with a note by an editor (or the live's journalists where it allows
them). Each step is one domain function with its audit entry; contributors never publish."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from liveblog.domain.archive import export_session, import_session
from liveblog.domain.posts import publish_post, schedule_post
from liveblog.domain.review import (
    publish_submission,
    return_submission,
    review_queue,
    set_journalists_review,
    submit_for_review,
)
from liveblog.domain.roles import (
    NotAllowed,
    can_edit_post,
    can_publish_in,
    can_review_in,
    can_write_in,
    is_contributor,
)
from liveblog.domain.writing import save_post
from liveblog.models import AuditEntry, Event, Post
from tests.helpers import START

pytestmark = pytest.mark.django_db

TEXT = {"kind": "paragraph", "text": "Au 30e kilomètre, le groupe de tête compte six coureurs."}


@pytest.fixture
def live(session, contributor, journalist):
    session.journalists.add(contributor, journalist)
    return session


def written(live, contributor, action="submit", title="Six coureurs en tête") -> Post:
    return save_post(
        session=live, by=contributor, title=title, rubric="", blocks=[TEXT], action=action
    )


def actions(post) -> list[str]:
    return list(AuditEntry.objects.filter(post_id=post.pk).order_by("id").values_list("action"))


def test_a_contributor_writes_in_the_lives_assigned_to_them_but_publishes_in_none(
    live, contributor, make_session
):
    elsewhere = make_session(slug="nuit-electorale", headline="Nuit électorale")
    assert is_contributor(contributor)
    assert can_write_in(contributor, live) and not can_publish_in(contributor, live)
    assert not can_write_in(contributor, elsewhere)
    assert not can_review_in(contributor, live)


def test_someone_also_a_journalist_is_a_journalist(contributor, live):
    contributor.groups.add(Group.objects.get_or_create(name="journalists")[0])
    contributor._desk_groups = None
    del contributor._desk_groups
    assert not is_contributor(contributor) and can_publish_in(contributor, live)


def test_a_contributor_sends_a_post_for_review_and_it_waits_in_the_queue(live, contributor):
    post = written(live, contributor)
    post.refresh_from_db()
    assert post.status == Post.Status.SUBMITTED and post.submitted_at is not None
    assert list(review_queue(live)) == [post]
    assert actions(post)[-1] == ("post.submitted",)
    assert not Event.objects.filter(post=post).exists(), "readers know nothing of it"


def test_a_draft_saved_first_is_sent_later_from_the_same_post(live, contributor):
    post = written(live, contributor, action="draft")
    assert post.status == Post.Status.DRAFT and not review_queue(live).exists()
    submit_for_review(post=post, by=contributor)
    assert list(review_queue(live)) == [post]


@pytest.mark.parametrize("action", ["publish", "schedule"])
def test_a_contributor_cannot_publish_or_schedule_and_nothing_is_written(live, contributor, action):
    with pytest.raises(NotAllowed, match="Un contributeur ne publie pas : envoyez la publication"):
        save_post(
            session=live,
            by=contributor,
            title="Publié sans relecture",
            rubric="",
            blocks=[TEXT],
            action=action,
            scheduled_for=START,
        )
    assert not Post.objects.exists() and not AuditEntry.objects.filter(action="post.created")


def test_publishing_refuses_a_contributor_whatever_calls_it(live, contributor):
    post = written(live, contributor, action="draft")
    with pytest.raises(NotAllowed, match="Un contributeur ne publie pas"):
        publish_post(post=post, by=contributor)
    with pytest.raises(NotAllowed, match="Un contributeur ne publie pas"):
        schedule_post(post=post, at=START, by=contributor)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_an_editor_publishes_a_submission_as_it_is(live, contributor, editor):
    post = written(live, contributor)
    publish_submission(post=post, by=editor)
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.published_at is not None
    assert post.author == contributor, "the byline stays the contributor's"
    assert Event.objects.get(post=post).kind == "post.published"
    entry = AuditEntry.objects.get(post_id=post.pk, action="post.review_published")
    assert (entry.username, entry.detail["author"]) == ("hugo", "Amadou Sy")
    assert not review_queue(live).exists()


def test_an_editor_edits_a_submission_and_publishes_it_through_the_composer(
    live, contributor, editor
):
    post = written(live, contributor)
    edited = {**TEXT, "text": "Au 30e kilomètre, le groupe de tête compte sept coureurs."}
    save_post(
        session=live,
        by=editor,
        post=post,
        title="Sept coureurs en tête",
        rubric="",
        blocks=[edited],
        action="publish",
        expected_version=post.version,
    )
    post.refresh_from_db()
    assert (post.status, post.title) == (Post.Status.PUBLISHED, "Sept coureurs en tête")
    assert "sept coureurs" in post.blocks.get().text
    assert ("post.review_published",) in actions(post)
    assert list(Event.objects.filter(post=post).values_list("kind", flat=True)) == [
        "post.published"
    ]


def test_an_editor_saving_a_submission_without_publishing_leaves_it_in_the_queue(
    live, contributor, editor
):
    post = written(live, contributor)
    save_post(
        session=live,
        by=editor,
        post=post,
        title="Sept coureurs en tête",
        rubric="",
        blocks=[TEXT],
        action="draft",
        expected_version=post.version,
    )
    assert list(review_queue(live)) == [post]


def test_a_submission_sent_back_returns_to_its_author_with_the_note(live, contributor, editor):
    post = written(live, contributor)
    return_submission(post=post, by=editor, note="  Qui sont les six ? Donne   les noms. ")
    post.refresh_from_db()
    assert (post.status, post.review_note) == (
        Post.Status.DRAFT,
        "Qui sont les six ? Donne les noms.",
    )
    entry = AuditEntry.objects.get(post_id=post.pk, action="post.review_returned")
    assert (entry.username, entry.detail["note"]) == ("hugo", "Qui sont les six ? Donne les noms.")
    assert can_edit_post(contributor, post)
    save_post(
        session=live,
        by=contributor,
        post=post,
        title="Six coureurs en tête, dont Amina Diallo",
        rubric="",
        blocks=[TEXT],
        action="submit",
        expected_version=post.version,
    )
    post.refresh_from_db()
    assert (post.status, post.review_note) == (Post.Status.SUBMITTED, "")


def test_sending_back_needs_a_note(live, contributor, editor):
    post = written(live, contributor)
    with pytest.raises(Exception, match="Écrivez une note au contributeur"):
        return_submission(post=post, by=editor, note="   ")
    with pytest.raises(Exception, match="au plus 500 caractères"):
        return_submission(post=post, by=editor, note="x" * 501)
    assert Post.objects.get(pk=post.pk).status == Post.Status.SUBMITTED


def test_a_submission_dealt_with_once_cannot_be_dealt_with_again(live, contributor, editor):
    post = written(live, contributor)
    publish_submission(post=post, by=editor)
    with pytest.raises(NotAllowed, match="n'attend plus de relecture"):
        return_submission(post=post, by=editor, note="Trop tard ?")
    with pytest.raises(NotAllowed, match="n'attend plus de relecture"):
        publish_submission(post=post, by=editor)
    assert Event.objects.filter(post=post).count() == 1


def test_journalists_review_only_where_the_live_allows_them(live, contributor, journalist, editor):
    post = written(live, contributor)
    with pytest.raises(NotAllowed, match="Seuls les éditeurs, et les journalistes de ce direct"):
        publish_submission(post=post, by=journalist)
    with pytest.raises(NotAllowed, match="Seuls les éditeurs"):
        return_submission(post=post, by=journalist, note="Source ?")
    set_journalists_review(live=live, allowed=True, by=editor)
    assert AuditEntry.objects.filter(action="session.journalists_review").exists()
    return_submission(post=post, by=journalist, note="Source ?")
    assert Post.objects.get(pk=post.pk).review_note == "Source ?"


def test_a_contributor_cannot_review_even_their_own_post(live, contributor):
    post = written(live, contributor)
    with pytest.raises(NotAllowed, match="Seuls les éditeurs"):
        publish_submission(post=post, by=contributor)


def test_only_the_author_sends_a_post_for_review(live, contributor, journalist):
    post = written(live, journalist, action="draft")
    with pytest.raises(NotAllowed, match="Seul son auteur"):
        submit_for_review(post=post, by=contributor)


def test_a_contributor_cannot_change_a_post_once_sent_or_published(live, contributor, editor):
    post = written(live, contributor)
    assert not can_edit_post(contributor, post)
    publish_submission(post=post, by=editor)
    post.refresh_from_db()
    assert not can_edit_post(contributor, post)
    with pytest.raises(NotAllowed, match="n'est plus un brouillon : seul un éditeur"):
        save_post(
            session=live,
            by=contributor,
            post=post,
            title="Titre changé après publication",
            rubric="",
            blocks=[TEXT],
            action="publish",
            expected_version=post.version,
        )
    post.refresh_from_db()
    assert post.title == "Six coureurs en tête"


def test_a_journalist_still_edits_their_own_published_post(live, journalist):
    post = written(live, journalist, action="publish")
    assert can_edit_post(journalist, post)


@pytest.mark.django_db(transaction=True)
def test_the_newsroom_archive_keeps_a_sent_back_post_and_its_note(live, contributor, editor):
    post = written(live, contributor)
    return_submission(post=post, by=editor, note="Donne les noms des six.")
    archive = json.loads(json.dumps(export_session(live)))
    call_command("flush", interactive=False, verbosity=0)
    restored = import_session(archive).posts.get()
    assert (restored.status, restored.review_note) == (Post.Status.DRAFT, "Donne les noms des six.")
