"""Whatever journalists do and however often a reader's connection drops, the reader ends
up seeing exactly what the server shows: every event once, in order, none missing."""

import itertools

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from liveblog.domain.events import render_event
from liveblog.domain.posts import delete_post, publish_post, record_edit, set_pinned
from liveblog.domain.sessions import update_header
from liveblog.models import Block, Event, LiveSession, Post
from tests.helpers import connected, next_message

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async
slugs = itertools.count()

changes = st.lists(
    st.one_of(
        st.just(("publish",)),
        st.tuples(st.sampled_from(["edit", "delete", "pin"]), st.integers(0, 30)),
        st.just(("headline",)),
        # The reader's connection drops, losing whatever was on its way.
        st.just(("drop",)),
        # The reader reads whatever has arrived so far.
        st.just(("read",)),
    ),
    max_size=14,
)


class ReaderView:
    """What a reader's page shows, built only from the messages it receives, as live.js
    builds it: a superseded event (its content withdrawn or replaced since) is skipped,
    and a later update of a post the page does not show puts it in."""

    def __init__(self, seq: int, posts: dict | None = None):
        self.seq = seq
        self.posts: dict[int, tuple[str, bool]] = dict(posts or {})
        self.header = None

    def apply(self, message: dict) -> None:
        assert message["seq"] == self.seq + 1, "each event once, in order, none missing"
        self.seq = message["seq"]
        if message.get("superseded"):
            assert message["html"] == "", "a superseded event carries no content"
        elif message["kind"] == "session.updated":
            self.header = message["html"]
        elif message["kind"] == "post.deleted":
            self.posts.pop(message["post"], None)
        else:
            self.posts[message["post"]] = (message["html"], message["pinned"])


def server_view(session_id: int) -> tuple[int, dict, str]:
    session = LiveSession.objects.get(pk=session_id)
    posts = {}
    for post in session.posts.published():
        html, data = render_event(session, Event.Kind.POST_UPDATED, post)
        posts[post.pk] = (html, data["pinned"])
    header, _data = render_event(session, Event.Kind.SESSION_UPDATED, None)
    return session.last_seq, posts, header


def change(session: LiveSession, author, step: tuple, posts: list[Post], number: int) -> None:
    kind, *pick = step
    if kind == "publish":
        post = Post.objects.create(session=session, author=author, title=f"Point {number}")
        Block.objects.create(post=post, position=0, kind="paragraph", text="Les coureurs passent.")
        publish_post(post=post, by=author)
        posts.append(post)
    elif kind == "headline":
        update_header(session=session, by=author, headline=f"Marathon : point {number}")
    elif posts:
        post = posts[pick[0] % len(posts)]
        if kind == "edit":
            Block.objects.filter(post=post).update(text=f"Les coureurs passent ({number}).")
            record_edit(post=post, by=author)
        elif kind == "pin":
            set_pinned(post=post, pinned=not post.pinned, by=author)
        else:
            delete_post(post=post, by=author)
            posts.remove(post)


async def follow(session: LiveSession, author, steps: list[tuple]) -> None:
    session_id = session.pk
    view = ReaderView(session.last_seq)
    live = await connected(session.slug, after=view.seq)
    posts: list[Post] = []
    for number, step in enumerate(steps):
        if step[0] == "drop":
            await live.disconnect()
            live = await connected(session.slug, after=view.seq)
        elif step[0] == "read":
            while not await live.receive_nothing(timeout=0.05):
                view.apply(await next_message(live))
        else:
            await db(change)(session, author, step, posts, number)
    last_seq, posts_shown, header = await db(server_view)(session_id)
    while view.seq < last_seq:
        view.apply(await next_message(live))
    assert view.posts == posts_shown
    if view.header is not None:
        assert view.header == header
    assert await live.receive_nothing(timeout=0.05), "nothing more, nothing twice"
    await live.disconnect()


@examples(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=changes)
def test_reader_view_equals_server_view_whatever_happens(make_session, editor, steps):
    session = make_session(slug=f"marathon-{next(slugs)}")
    async_to_sync(follow)(session, editor, steps)


def catch_up_from_every_position(client, session: LiveSession, author, steps: list[tuple]):
    """Apply the steps, keeping a fresh page's posts at every position; then a reader at
    each of those positions catches up over HTTP and must see what a fresh page shows,
    from a log in which only current content remains."""
    shown_at = {session.last_seq: server_view(session.pk)[1]}
    posts: list[Post] = []
    for number, step in enumerate(steps):
        if step[0] not in ("drop", "read"):
            change(session, author, step, posts, number)
            last_seq, shown, _header = server_view(session.pk)
            shown_at[last_seq] = shown
    last_seq, shown_now, header = server_view(session.pk)
    current = {html for html, _pinned in shown_now.values()} | {header}
    for seq, shown_then in shown_at.items():
        answer = client.get(f"/live/{session.slug}/events?after={seq}").json()
        view = ReaderView(seq, shown_then)
        for message in answer["events"]:
            view.apply(message)
            assert not message["html"] or message["html"] in current, "only current content"
        assert view.seq == last_seq
        assert view.posts == shown_now


@examples(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=changes)
def test_a_reader_catching_up_from_any_position_sees_what_a_fresh_page_shows(
    client, make_session, editor, steps
):
    session = make_session(slug=f"marathon-{next(slugs)}")
    catch_up_from_every_position(client, session, editor, steps)
