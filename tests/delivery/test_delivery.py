"""Readers' websocket: every change reaches them, in order, once; the socket is read-only."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from liveblog.delivery import audience as readers
from liveblog.delivery.audience import this_process
from liveblog.domain.lives import delete_live
from liveblog.domain.posts import delete_post, record_edit, set_key_event, set_pinned
from liveblog.domain.sessions import end_session, update_header
from liveblog.models import Block
from tests.helpers import START, WAIT, connected, eventually, next_message, reader

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async


async def test_reader_receives_a_published_post_rendered_like_the_page(session, make_post):
    live = await connected(session.slug)
    at = session.last_seq
    post = await db(make_post)(session, title="Le peloton passe le pont", minutes=12)
    message = await next_message(live)
    assert message["kind"] == "post.published"
    assert message["seq"] == at + 1
    assert message["post"] == post.pk
    assert message["pinned"] is False
    assert f'id="post-{post.pk}"' in message["html"]
    assert "Le peloton passe le pont" in message["html"]
    assert "6H42" in message["html"]
    await live.disconnect()


async def test_reader_receives_an_edit_with_its_updated_mark(session, make_post):
    post = await db(make_post)(session)
    live = await connected(session.slug)

    def edit():
        Block.objects.filter(post=post).update(text="Les coureurs ont passé le pont.")
        record_edit(post=post, by=post.author)

    await db(edit)()
    message = await next_message(live)
    assert message["kind"] == "post.updated"
    assert message["post"] == post.pk
    assert "Les coureurs ont passé le pont." in message["html"]
    assert "Mis à jour le" in message["html"]  # published on race day, edited today
    await live.disconnect()


async def test_reader_is_told_to_remove_a_deleted_post(session, make_post):
    post = await db(make_post)(session)
    live = await connected(session.slug)
    await db(delete_post)(post=post, by=post.author)
    message = await next_message(live)
    assert message == {"seq": message["seq"], "kind": "post.deleted", "html": "", "post": post.pk}
    await live.disconnect()


async def test_reader_sees_a_post_pinned_then_unpinned(session, make_post):
    post = await db(make_post)(session)
    live = await connected(session.slug)
    await db(set_pinned)(post=post, pinned=True, by=post.author)
    pinned = await next_message(live)
    await db(set_pinned)(post=post, pinned=False, by=post.author)
    unpinned = await next_message(live)
    assert (pinned["kind"], pinned["pinned"]) == ("post.updated", True)
    assert "Épinglé" in pinned["html"]
    assert (unpinned["kind"], unpinned["pinned"]) == ("post.updated", False)
    assert "Épinglé" not in unpinned["html"]
    await live.disconnect()


async def test_reader_sees_a_post_marked_as_key_event(session, make_post):
    post = await db(make_post)(session)
    live = await connected(session.slug)
    await db(set_key_event)(post=post, key_event=True, by=post.author)
    message = await next_message(live)
    assert message["kind"] == "post.updated"
    assert "Essentiel" in message["html"]
    await live.disconnect()


async def test_reader_sees_the_new_headline_and_the_end_of_the_live(session, editor):
    live = await connected(session.slug)
    await db(update_header)(
        session=session, by=editor, headline="Amina Diallo remporte le marathon"
    )
    headline = await next_message(live)
    await db(end_session)(session=session, by=editor, at=START.replace(hour=20, minute=15))
    ended = await next_message(live)
    assert headline["kind"] == "session.updated"
    assert 'id="session-header"' in headline["html"]
    assert "Amina Diallo remporte le marathon" in headline["html"]
    assert ended["status"] == "ended"
    assert "Direct terminé le 21 octobre 2025 à 20H15 TU" in ended["html"]
    await live.disconnect()


async def test_reader_who_sends_anything_is_disconnected(session):
    live = await connected(session.slug)
    await live.send_to(text_data='{"after": 0}')
    closed = await live.receive_output(timeout=WAIT)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4008)


async def test_sockets_opened_from_other_sites_are_refused(session):
    accepted, _code = await reader(session.slug, origin=b"https://evil.example").connect()
    assert not accepted


async def test_unknown_live_refuses_the_socket(session):
    accepted, _code = await reader("no-such-live").connect()
    assert not accepted


async def test_reader_reconnecting_gets_what_it_missed_in_order_then_live_posts(session, make_post):
    at = session.last_seq
    first = await db(make_post)(session, title="Départ", minutes=1)
    second = await db(make_post)(session, title="Premier ravitaillement", minutes=2)
    await db(delete_post)(post=first, by=first.author)
    live = await connected(session.slug, after=at)
    missed = [await next_message(live) for _ in range(3)]
    assert [(m["seq"], m["kind"], m["post"]) for m in missed] == [
        (at + 1, "post.published", first.pk),
        (at + 2, "post.published", second.pk),
        (at + 3, "post.deleted", first.pk),
    ]
    third = await db(make_post)(session, title="Mi-parcours", minutes=3)
    assert (await next_message(live))["post"] == third.pk
    assert await live.receive_nothing(timeout=0.3)
    await live.disconnect()


async def test_reader_far_behind_is_told_to_reload(session, make_post, settings):
    settings.LIVEBLOG_PAGE_SIZE = 5
    post = await db(make_post)(session)

    def many_edits():
        for _ in range(301):
            record_edit(post=post, by=post.author)

    await db(many_edits)()
    live = await connected(session.slug, after=0)
    assert await next_message(live) == {"kind": "reload"}
    assert (await live.receive_output(timeout=WAIT))["type"] == "websocket.close"


async def test_every_reader_of_a_session_gets_the_same_frame(session, make_post):
    readers = [await connected(session.slug) for _ in range(3)]
    await db(make_post)(session)
    frames = {await live.receive_from(timeout=WAIT) for live in readers}
    assert len(frames) == 1
    for live in readers:
        await live.disconnect()


async def group_size(group: str) -> int:
    layer = get_channel_layer()
    if hasattr(layer, "groups"):  # the in-memory layer
        return len(layer.groups.get(group, {}))
    async with layer.connection(layer.consistent_hash(group)) as redis:
        return await redis.zcard(layer._group_key(group))


async def test_a_process_subscribes_once_per_session_however_many_readers(session, make_post):
    readers = [await connected(session.slug) for _ in range(5)]
    assert await group_size(f"live-{session.pk}") == 1
    assert len(this_process().audiences[session.pk].readers) == 5
    for live in readers:
        await live.disconnect()
    assert session.pk not in this_process().audiences


async def test_reader_gets_a_post_the_channel_layer_never_brought(session, make_post, settings):
    # As when Redis restarts and forgets who listens: the process's check of the
    # event log delivers the post, and the process listens again.
    settings.LIVEBLOG_RESYNC_SECONDS = 0.2
    live = await connected(session.slug)
    listening = this_process().audiences[session.pk].channel
    await get_channel_layer().group_discard(f"live-{session.pk}", listening)
    post = await db(make_post)(session, title="Arrivée")
    assert (await next_message(live))["post"] == post.pk
    # From now on only the channel layer can bring posts: the process listens again.
    settings.LIVEBLOG_RESYNC_SECONDS = 600

    async def listening_again() -> bool:
        return await group_size(f"live-{session.pk}") == 1

    await eventually(listening_again, "the process to join the session's group again")
    later = await db(make_post)(session, title="Podium", minutes=5)
    assert (await next_message(live))["post"] == later.pk
    await live.disconnect()


async def test_a_reader_that_stops_reading_does_not_hold_up_the_others(
    session, make_post, monkeypatch
):
    monkeypatch.setattr(readers, "READER_BUFFER", 5)
    at = session.last_seq
    stalled, received = asyncio.Event(), []

    async def send_when_unstalled(frame: str) -> None:
        await stalled.wait()
        received.append(json.loads(frame)["seq"])

    slow = readers.Reader(session.pk, at, send_when_unstalled)
    await this_process().join(slow, at)
    slow.start()
    live = await connected(session.slug)
    for minute in range(12):
        await db(make_post)(session, title=f"Kilomètre {minute}", minutes=minute)
    assert [(await next_message(live))["seq"] for _ in range(12)] == list(range(at + 1, at + 13))
    assert received == []
    stalled.set()

    async def caught_up() -> bool:
        return slow.seq >= at + 12

    await eventually(caught_up, "the stalled reader to catch up")
    assert received == list(range(at + 1, at + 13))
    slow.stop()
    await this_process().leave(slow)
    await live.disconnect()


async def test_readers_of_a_new_live_under_a_deleted_ones_address_get_its_posts(
    make_session, make_post, editor
):
    # A scheduled live is deleted while someone still has its page open, and a new live
    # takes its address: the new live's readers must follow the new live, not the old one.
    old = await db(make_session)(status="scheduled")
    stale = await connected(old.slug)
    await db(delete_live)(live=old, by=editor)
    await this_process().resync()
    new = await db(make_session)()
    live = await connected(new.slug)
    post = await db(make_post)(new, title="Départ donné")
    assert (await next_message(live))["post"] == post.pk
    await live.disconnect()
    await stale.disconnect()
