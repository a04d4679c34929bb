"""What fan-out costs per reader: readers of a session already followed in the process
connect without asking the database, and readers behind by the same posts (a reconnect
storm) share one catch-up. Each still gets every event once, in order."""

import asyncio
import json
import threading

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from liveblog.delivery import audience as readers
from liveblog.delivery import consumer as consumers
from liveblog.delivery.fanout import session_group
from tests.helpers import WAIT, ReaderSocket, connected, eventually

db = database_sync_to_async

pytestmark = pytest.mark.django_db(transaction=True)


def counting(monkeypatch, module, name: str) -> list:
    """Count the calls of `module.name`, which still does its real work."""
    calls, real = [], getattr(module, name)

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(module, name, counted)
    return calls


async def seqs(communicator: ReaderSocket, count: int) -> list[int]:
    return [json.loads(await communicator.receive_from(timeout=WAIT))["seq"] for _ in range(count)]


async def test_readers_of_a_followed_session_connect_without_a_query(
    session, make_post, monkeypatch
):
    lookups = counting(monkeypatch, consumers, "session_position")
    first = await connected(session.slug)
    others = [await connected(session.slug) for _ in range(5)]
    assert len(lookups) == 1
    at = session.last_seq
    post = await db(make_post)(session, title="Le peloton passe le pont", minutes=3)
    for live in [first, *others]:
        message = json.loads(await live.receive_from(timeout=WAIT))
        assert (message["seq"], message["post"]) == (at + 1, post.pk)
        await live.disconnect()


async def test_readers_behind_by_the_same_posts_share_one_catch_up(session, make_post, monkeypatch):
    watcher = await connected(session.slug)
    at = session.last_seq
    for minute in range(3):
        await db(make_post)(session, title=f"Kilomètre {minute}", minutes=minute)
    assert await seqs(watcher, 3) == [at + 1, at + 2, at + 3]
    catch_ups = counting(monkeypatch, readers, "missed_events")
    behind = [await connected(session.slug, after=at) for _ in range(6)]
    for live in behind:
        assert await seqs(live, 3) == [at + 1, at + 2, at + 3]
    assert len(catch_ups) == 1
    later = await db(make_post)(session, title="Arrivée", minutes=30)
    for live in [watcher, *behind]:
        message = json.loads(await live.receive_from(timeout=WAIT))
        assert message["post"] == later.pk
        assert await live.receive_nothing(timeout=0.2)
        await live.disconnect()


async def test_readers_reconnecting_together_share_position_reads_each_made_after_they_asked(
    session, make_post, monkeypatch
):
    """A storm: readers that ask for the live's position while a read is in flight share
    the next read, one that starts after each of them asked. None is given a position read
    before it asked (a later event may have withdrawn words), and the database is not asked
    once per reader."""
    watcher = await connected(session.slug)
    at = session.last_seq
    for minute in range(2):
        await db(make_post)(session, title=f"Kilomètre {minute}", minutes=minute)
    assert await seqs(watcher, 2) == [at + 1, at + 2]
    asks, reads, gate = [], [], threading.Event()
    real_ask, real_read = readers.missed_frames, readers.session_last_seq

    async def ask(session_id, after):
        asks.append(after)
        return await real_ask(session_id, after)

    def read(session_id):
        reads.append(len(asks))  # how many readers had asked when this read began
        assert gate.wait(WAIT), "the test opens the gate"
        return real_read(session_id)

    monkeypatch.setattr(readers, "missed_frames", ask)
    monkeypatch.setattr(readers, "session_last_seq", read)
    behind = await asyncio.gather(*(connected(session.slug, after=at) for _ in range(8)))

    async def waiting() -> bool:
        return len(asks) == 8 and bool(reads)

    await eventually(waiting, "every reader asking, a read under way")
    gate.set()
    for live in behind:
        assert await seqs(live, 2) == [at + 1, at + 2]
    assert len(reads) <= 2, reads
    assert reads[-1] == 8, "the read the last readers got began after all of them asked"
    for live in [watcher, *behind]:
        await live.disconnect()


async def test_an_event_goes_out_to_every_reader_as_the_same_bytes_encoded_once(session, make_post):
    listening = [await connected(session.slug) for _ in range(3)]
    await db(make_post)(session, title="Le peloton passe le pont", minutes=3)
    sent = [await live.receive_output(timeout=WAIT) for live in listening]
    # A binary frame: the server sends the bytes as they are, with no encoding per socket.
    assert [message.get("text") for message in sent] == [None, None, None]
    first, *others = (message["bytes"] for message in sent)
    assert all(frame is first for frame in others), "one encoding for every reader"
    assert json.loads(first)["kind"] == "post.published"
    for live in listening:
        await live.disconnect()


async def test_with_text_frames_every_reader_gets_the_same_event_as_text(
    session, make_post, settings
):
    settings.LIVEBLOG_TEXT_FRAMES = True
    listening = [await connected(session.slug) for _ in range(2)]
    post = await db(make_post)(session, title="Le peloton passe le pont", minutes=3)
    sent = [await live.receive_output(timeout=WAIT) for live in listening]
    assert [message.get("bytes") for message in sent] == [None, None]
    assert [json.loads(message["text"])["post"] for message in sent] == [post.pk, post.pk]
    for live in listening:
        await live.disconnect()


async def test_an_idle_reader_costs_one_task_and_no_channel_of_its_own(
    session, make_post, settings
):
    # The process listens to the layer once per live and hands frames to its readers; each
    # socket is one task (the server's, here the test socket's) waiting on `receive`: no
    # dispatch task, no channel-layer channel or group membership per reader. (The memory
    # layer, whatever the configuration: its groups can be read here; Redis's are the same.)
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    first = await connected(session.slug)
    layer = get_channel_layer()
    members = set(layer.groups[session_group(session.id)])
    tasks = len(asyncio.all_tasks())
    others = [await connected(session.slug) for _ in range(5)]
    assert len(asyncio.all_tasks()) == tasks + len(others)
    assert set(layer.groups[session_group(session.id)]) == members
    assert len(members) == 1
    at = session.last_seq
    await db(make_post)(session, title="Le peloton passe le pont", minutes=3)
    for live in [first, *others]:
        assert await seqs(live, 1) == [at + 1]
        await live.disconnect()
