"""Cards are read by the worker, never in the journalist's request: a job kept in the
database (read after a restart), tried again on failure, one read per URL at a time, and a
published post takes its card for readers when it is read, without an "Updated" stamp."""

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from liveblog.content.fetching import FetchRefused
from liveblog.desk import cards
from liveblog.desk.cards import ask_for_card
from liveblog.models import Block, Event, LinkCard, Post
from tests.helpers import composer_data, paragraph
from tests.helpers.providers import Providers

X_POST = "https://x.com/deuxrives/status/1"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def providers(settings):
    server = Providers()
    settings.LIVEBLOG_CARDS_FETCH = True
    settings.LIVEBLOG_OEMBED_ENDPOINTS = server.endpoints()
    settings.LIVEBLOG_CARDS_ALLOW_LOOPBACK = {server.port}
    yield server
    server.stop()


@pytest.fixture
def desk(client, journalist, session):
    session.journalists.add(journalist)
    client.force_login(journalist)
    return client, f"/editor/{session.slug}/posts/new/"


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db
def test_the_desk_request_never_reads_the_site_even_when_it_hangs(
    desk, providers, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.LIVEBLOG_OEMBED_ENDPOINTS = {"X": f"{providers.url}/slow?url={{url}}"}
    reads = []

    def read_card(url):
        reads.append(url)
        raise FetchRefused("timed out")

    monkeypatch.setattr(cards, "read_card", read_card)
    client, url = desk
    article = f"{providers.url}/slow"
    blocks = (("embed", {"url": X_POST}), ("link", {"url": article, "link_kind": "article"}))
    with django_capture_on_commit_callbacks():
        response = client.post(url, composer_data(paragraph(), *blocks))
    assert response.status_code == 302
    assert reads == [] and providers.requests == [], "nothing read in the request"
    asked = LinkCard.objects.filter(status=LinkCard.Status.PENDING, requested_at__isnull=False)
    assert asked.count() == 2, "one card a URL, asked of the worker"
    post = Post.objects.get()
    assert post.is_published
    link = post.blocks.get(kind="link")
    assert link.link_title == article and link.card.status == LinkCard.Status.PENDING
    html = client.get(f"/editor/marathon/posts/{post.pk}/edit/").content.decode()
    assert html.count("La carte est en cours de lecture sur le site.") == 2
    reader = client.get("/live/marathon/").content.decode()
    assert f'<a class="card-title" href="{article}">{article}</a>' in reader  # a plain link


@pytest.mark.django_db
def test_a_published_post_takes_its_card_for_readers_without_an_updated_stamp(
    desk, providers, session, django_capture_on_commit_callbacks
):
    client, url = desk
    link = {"url": f"{providers.url}/article", "link_kind": "article", "link_title": ""}
    typed = {"url": X_POST, "text": "Le peloton franchit le pont."}
    with django_capture_on_commit_callbacks() as jobs:
        client.post(url, composer_data(("embed", typed), ("link", link)))
    post = Post.objects.get()
    session.refresh_from_db()
    before = session.last_seq
    for job in jobs:
        job()
    session.refresh_from_db()
    updates = session.events.filter(seq__gt=before, kind=Event.Kind.POST_UPDATED)
    assert updates.count() == 2, "readers get the post again with each card"
    post.refresh_from_db()
    assert post.edited_at is None, "no 'Mis à jour': nobody changed what it says"
    embed, article = post.blocks.order_by("position")
    assert embed.text == "Le peloton franchit le pont.", "what she typed wins"
    assert embed.attribution == "Course des Deux-Rives"
    assert article.link_title == "Le parcours du marathon, kilomètre par kilomètre"
    assert article.card.is_read
    reader = client.get("/live/marathon/").content.decode()
    assert 'class="block block--link block--link-article card card--link"' in reader
    assert ">Le parcours du marathon, kilomètre par kilomètre</a>" in reader
    assert "Mis à jour" not in reader
    catch_up = client.get(f"/live/marathon/events?after={before}")
    assert "Le parcours du marathon" in catch_up.content.decode()


@pytest.mark.django_db
def test_a_title_typed_while_the_card_was_being_read_wins_over_the_late_card(
    desk, providers, django_capture_on_commit_callbacks
):
    client, url = desk
    address = f"{providers.url}/article"
    link = {"url": address, "link_kind": "article", "link_title": ""}
    with django_capture_on_commit_callbacks() as jobs:
        client.post(url, composer_data(("link", link)))
        post = Post.objects.get()
        edited = {"url": address, "link_kind": "article", "link_title": "Notre parcours"}
        data = composer_data(("link", edited), version=post.version)
        assert client.post(f"/editor/marathon/posts/{post.pk}/edit/", data).status_code == 302
    for job in jobs:
        job()
    block = Block.objects.get()
    assert block.link_title == "Notre parcours"
    assert block.text == "Deux ponts, un faux plat et une arrivée sur les quais."
    assert providers.hits("/article") == 1


@pytest.mark.django_db(transaction=True)
def test_a_card_asked_for_waits_in_the_database_and_is_read_once(providers, settings):
    settings.TASKS = DATABASE_BACKEND
    ask_for_card(X_POST)
    ask_for_card(X_POST, again=True)  # "Afficher la carte" pressed again while it waits
    job = DBTaskResult.objects.get()
    assert job.args_kwargs["args"] == [X_POST]
    assert LinkCard.objects.get().status == LinkCard.Status.PENDING
    cards.read_link_card.enqueue(X_POST)  # asked twice all the same
    run_worker()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    assert providers.hits("/oembed/x") == 1, "nothing read twice"
    card = LinkCard.objects.get()
    assert card.is_read and not card.is_being_read


@pytest.mark.django_db(transaction=True)
def test_a_card_another_worker_is_reading_is_left_to_it(providers, settings):
    settings.TASKS = DATABASE_BACKEND
    card = ask_for_card(X_POST)
    LinkCard.objects.filter(pk=card.pk).update(claimed_at=card.requested_at)
    run_worker()
    assert providers.requests == []
    assert LinkCard.objects.get().is_being_read


@pytest.mark.django_db(transaction=True)
def test_a_failed_read_is_tried_again_later_then_kept_as_failed(providers, settings):
    settings.TASKS = DATABASE_BACKEND
    address = f"{providers.url}/document.pdf"
    ask_for_card(address)
    run_worker()
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [address, 2]
    card = LinkCard.objects.get()
    assert card.is_being_read and "application/pdf" in card.failure
    for attempt in (2, 3):
        job = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        assert job.args_kwargs["args"] == [address, attempt]
        assert job.run_after > job.enqueued_at, "not at once: the site needs a moment"
        DBTaskResult.objects.filter(pk=job.pk).update(run_after=job.enqueued_at)
        run_worker()
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    card = LinkCard.objects.get()
    assert card.status == LinkCard.Status.FAILED and not card.is_being_read
    assert providers.hits("/document.pdf") == 3


@pytest.mark.django_db
def test_a_failed_card_is_not_asked_again_at_every_save_but_can_be_on_request(
    providers, django_capture_on_commit_callbacks
):
    address = f"{providers.url}/document.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_card(address)
    with django_capture_on_commit_callbacks(execute=True) as asked:
        card = ask_for_card(address)
    assert card.status == LinkCard.Status.FAILED and asked == []
    with django_capture_on_commit_callbacks(execute=True) as asked:
        ask_for_card(address, again=True)
    assert len(asked) == 1 and providers.hits("/document.pdf") == 2


@pytest.mark.django_db
def test_a_card_is_read_once_for_every_post_that_shows_its_url(
    providers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = ask_for_card(X_POST)
    with django_capture_on_commit_callbacks(execute=True) as asked:
        again = ask_for_card(X_POST)
    assert again.pk == first.pk and again.is_read and asked == []
    assert providers.hits("/oembed/x") == 1
