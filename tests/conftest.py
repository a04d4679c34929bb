"""Fixtures that build realistic newsroom objects in one line."""

import io
import os
from datetime import timedelta

import pytest
from channels.layers import channel_layers
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from PIL import Image

from liveblog.domain.polls import cast_vote, create_poll_post
from liveblog.domain.posts import delete_post, publish_post, schedule_post
from liveblog.domain.sessions import end_session, start_session
from liveblog.live import positions_memo
from liveblog.live.page_cache import recent as recent_pages
from liveblog.models import Block, Branding, LiveSession, Photo, PhotoCredit, Poll, Post, Rubric
from liveblog.models.branding import CACHE_KEY as BRANDING_KEY
from liveblog.models.branding import cache as branding_cache
from liveblog.resilient_cache import ResilientCache
from tests.helpers import START
from tests.helpers.services import MARKERS, REQUIRE


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test marked as needing a service is skipped, saying why, where the service does
    not answer; CI (LIVEBLOG_REQUIRE_SERVICES=1) fails it instead, so nothing is skipped there."""
    for marker, missing in MARKERS.items():
        if item.get_closest_marker(marker) and (reason := missing()):
            if os.environ.get(REQUIRE) == "1":
                pytest.fail(f"{reason}; {REQUIRE}=1 allows no skip", pytrace=False)
            pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Workers side by side (`make test-unit`: pytest-xdist, `--dist loadgroup`) take a file at
    a time: its tests share module fixtures (servers, databases). Files that share a fixed
    Redis or PostgreSQL database name one group (`xdist_group`) and go to one worker together."""
    for item in items:
        if not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(str(item.path.relative_to(config.rootpath))))


@pytest.fixture(scope="session", autouse=True)
def no_lockouts_from_earlier_runs():
    # Cached pages and presence outlive a run when the cache is Redis (REDIS_URL); a run
    # starts with none of a previous run's. (Login failures are in the test database.)
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database, dropped only once the positions' listener let go of it."""
    yield
    positions_memo.stop()


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A Redis stopped by an earlier test must not make this one's cache look down.
    for shared in ResilientCache.instances:
        shared.forget_outage()
    # Nor an earlier test's branding or live pages, kept in the process for a moment; its
    # branding also in the shared cache for a minute, after its database row is gone. A test
    # starts with none saved, as its database has none (False: Branding.current's "none
    # saved"), so that its first request reads no branding either, as the next ones do.
    Branding.forget()
    branding_cache.set(BRANDING_KEY, False, 60)
    recent_pages.forget()
    positions_memo.memo.forget()
    # The lives' positions are read per request, as tests have always counted them, unless a
    # test turns the listener on (tests/live/test_positions_memo.py): a test that writes and
    # reads at once would otherwise race the notification of its own write.
    settings.LIVEBLOG_POSITION_LISTENER = False
    # Each test runs in an event loop of its own; a Redis channel layer made in an earlier
    # test's loop holds locks bound to that loop. Every test gets a layer of its own.
    channel_layers.backends.clear()
    # Real hashing costs half a second per user; tests need accounts, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    # A request in another language leaves it active in this thread: the next test starts
    # in the site's language, as a new request would.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def journalist(django_user_model):
    user = django_user_model.objects.create_user(
        "jeanne", password="pw-jeanne-2026", first_name="Jeanne", last_name="Martin"
    )
    user.groups.add(Group.objects.get_or_create(name="journalists")[0])
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "hugo", password="pw-hugo-2026", first_name="Hugo", last_name="Lefèvre"
    )
    user.groups.add(Group.objects.get_or_create(name="editors")[0])
    return user


@pytest.fixture
def contributor(django_user_model):
    """Amadou Sy, the marathon's correspondent at the 30th kilometre: his posts are reviewed."""
    user = django_user_model.objects.create_user(
        "amadou", password="pw-amadou-2026", first_name="Amadou", last_name="Sy"
    )
    user.groups.add(Group.objects.get_or_create(name="contributors")[0])
    return user


@pytest.fixture
def make_photo(journalist):
    def make(caption="Les coureurs au départ.", credit=None, size=(64, 36), **fields) -> Photo:
        buffer = io.BytesIO()
        Image.new("RGB", size, "#3366aa").save(buffer, "JPEG")
        credit = (
            credit
            or PhotoCredit.objects.get_or_create(agency="Clairvue", photographer="Léa Moreau")[0]
        )
        fields.setdefault("alt_text", "Des coureurs sous une arche.")
        return Photo.objects.create(
            image=ContentFile(buffer.getvalue(), name="photo.jpg"),
            caption=caption,
            credit=credit,
            uploaded_by=journalist,
            **fields,
        )

    return make


@pytest.fixture
def make_session(editor):
    def make(slug="marathon", status="live", language="fr", **fields) -> LiveSession:
        fields.setdefault("headline", "Marathon des Deux-Rives en direct")
        fields.setdefault("standfirst", "Suivez la course du départ à l'arrivée.")
        session = LiveSession.objects.create(slug=slug, language=language, **fields)
        if status in ("live", "ended"):
            start_session(session=session, by=editor, at=START)
        if status == "ended":
            end_session(session=session, by=editor, at=START + timedelta(hours=13, minutes=45))
        return session

    return make


@pytest.fixture
def session(make_session):
    return make_session()


@pytest.fixture
def make_post(journalist):
    """A post with blocks, published at START + `minutes` unless another status is asked."""

    def make(
        session,
        title="Le peloton passe le pont",
        minutes=0,
        rubric="course",
        blocks=(("paragraph", {"text": "Les coureurs passent le pont."}),),
        status="published",
        **fields,
    ) -> Post:
        post = Post.objects.create(
            session=session,
            author=fields.pop("author", journalist),
            title=title,
            rubric=Rubric.named(rubric) if rubric else None,
            **fields,
        )
        for position, (kind, block_fields) in enumerate(blocks):
            Block.objects.create(post=post, position=position, kind=kind, **block_fields)
        at = START + timedelta(minutes=minutes)
        if status == "published":
            publish_post(post=post, by=post.author, at=at)
        elif status == "scheduled":
            schedule_post(post=post, at=at, by=None)
        elif status == "deleted":
            publish_post(post=post, by=post.author, at=at)
            delete_post(post=post, by=post.author)
        return post

    return make


@pytest.fixture
def post_with_every_block(session, make_post, make_photo):
    """A post published in `session` at 9H00 TU with a block of every kind, as tests of
    each rendering (page, feed, API, structured data, browser) read it:

    "Arrivée de la tête de course", rubric "course", then
    - paragraph "<p>Amina Diallo <strong>franchit</strong> la ligne.</p>"
    - photo 640 by 360, caption "La ligne d'arrivée.", alt "Une coureuse bras levés.",
      credit Clairvue / Léa Moreau
    - quote "Je n'ai rien lâché." — Amina Diallo
    - embed https://bsky.app/profile/course/post/1 with "Bravo !"; embed https://youtu.be/arrivee
    - link (article) "Qui est Amina Diallo ?" https://example.org/portrait;
      link (video) "L'arrivée en images" https://example.org/video
    """
    photo = make_photo(
        caption="La ligne d'arrivée.", alt_text="Une coureuse bras levés.", size=(640, 360)
    )
    article = {
        "url": "https://example.org/portrait",
        "link_kind": "article",
        "link_title": "Qui est Amina Diallo ?",
    }
    video = {
        "url": "https://example.org/video",
        "link_kind": "video",
        "link_title": "L'arrivée en images",
    }
    return make_post(
        session,
        title="Arrivée de la tête de course",
        minutes=150,
        rubric="course",
        blocks=[
            ("paragraph", {"text": "<p>Amina Diallo <strong>franchit</strong> la ligne.</p>"}),
            ("photo", {"photo": photo}),
            ("quote", {"text": "Je n'ai rien lâché.", "attribution": "Amina Diallo"}),
            ("embed", {"url": "https://bsky.app/profile/course/post/1", "text": "Bravo !"}),
            ("embed", {"url": "https://youtu.be/arrivee", "text": ""}),
            ("link", article),
            ("link", video),
        ],
    )


@pytest.fixture
def poll_post(session, editor):
    """A post published in `session` by the editor, "Votre pronostic": the paragraph "Trois
    favoris au départ.", then the poll "Qui gagnera le marathon ?" (Amara, Bruno, Chen), open
    for 30 minutes, no vote yet."""
    return create_poll_post(
        session=session,
        by=editor,
        question="Qui gagnera le marathon ?",
        choices=["Amara", "Bruno", "Chen"],
        closes_at=timezone.now() + timedelta(minutes=30),
        title="Votre pronostic",
        intro="Trois favoris au départ.",
    )


@pytest.fixture
def poll(poll_post):
    return Poll.objects.get()


@pytest.fixture
def voted_poll(poll, monkeypatch):
    """`poll` with three votes: Amara 2, Bruno 0, Chen 1. Their results wait for
    flush_poll_results: no timer thread writes them after the test, when its database is gone."""
    monkeypatch.setattr("liveblog.domain.polls.flush_soon", lambda poll_id: None)
    for label in ("Amara", "Amara", "Chen"):
        cast_vote(poll=poll, choice_id=poll.choices.get(label=label).pk)
    return poll
