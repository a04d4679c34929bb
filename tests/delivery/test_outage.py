"""Redis goes down while journalists publish: nothing they publish is lost, the desk is told
delivery is delayed, and readers get every post, in order, once."""

import pytest
from channels.db import database_sync_to_async

from liveblog.delivery.fanout import delivery_delayed_since
from liveblog.domain.posts import set_key_event
from liveblog.models import LiveSession, Post
from tests.helpers import composer_data, connected, eventually, next_message, paragraph
from tests.helpers.servers import PrivateRedis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_redis_program]

db = database_sync_to_async
DELAYED = "La diffusion en direct aux lecteurs est retardée."


@pytest.fixture
def redis(settings):
    server = PrivateRedis()
    server.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{server.port}/0"]},
        }
    }
    settings.LIVEBLOG_RESYNC_SECONDS = 0.3
    yield server
    if server.process.poll() is None:
        server.stop()


async def test_posts_published_while_redis_is_down_are_saved_and_reach_readers(
    redis, session, make_post
):
    at = session.last_seq
    live = await connected(session.slug)
    titles = [f"Kilomètre {km}" for km in range(0, 45, 5)]

    def delayed() -> bool:
        return delivery_delayed_since(LiveSession.objects.get(pk=session.pk)) is not None

    for number, title in enumerate(titles):
        if number == 3:
            redis.stop()
        if number == 6:
            assert await db(delayed)(), "the desk must be able to say delivery is delayed"
            redis.start()
            await eventually(db(lambda: not delayed()), "delivery to resume")
        await db(make_post)(session, title=title, minutes=number)

    received = [await next_message(live) for _ in titles]
    assert [message["seq"] for message in received] == list(range(at + 1, at + 10))
    assert all(title in message["html"] for title, message in zip(titles, received, strict=True))
    assert await live.receive_nothing(timeout=0.5), "nothing twice"
    saved = await db(lambda: list(Post.objects.published().values_list("title", flat=True)))()
    assert sorted(saved) == sorted(titles)
    assert not await db(delayed)()
    await live.disconnect()


def test_journalist_publishing_while_redis_is_down_is_told_delivery_is_delayed(
    redis, client, session, journalist
):
    session.journalists.add(journalist)
    client.force_login(journalist)
    redis.stop()
    data = composer_data(paragraph("Le vainqueur franchit la ligne."), title="Arrivée")
    desk = client.post(f"/editor/{session.slug}/posts/new/", data, follow=True)
    assert Post.objects.published().get().title == "Arrivée", "the post is saved and out"
    assert DELAYED in desk.content.decode()

    redis.start()
    set_key_event(post=Post.objects.get(), key_event=True, by=journalist)
    assert DELAYED not in client.get(f"/editor/{session.slug}/").content.decode()
