"""Scheduled posts go out at their time, with nobody on the desk."""

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from liveblog.domain.scheduling import publish_due_posts
from liveblog.models import Event, Post
from tests.helpers import WAIT, composer_data, paragraph, wait_until

pytestmark = pytest.mark.django_db


def test_a_due_post_is_published_at_its_scheduled_time(session, make_post):
    post = make_post(session, title="Programmée", status="scheduled", minutes=30)
    at = post.published_at
    assert publish_due_posts(now=at - timedelta(seconds=1)) == []
    assert publish_due_posts(now=at) == [post]
    post.refresh_from_db()
    assert post.is_published and post.published_at == at
    assert Event.objects.filter(post=post, kind="post.published").count() == 1
    assert publish_due_posts(now=at + timedelta(hours=1)) == []


def test_scheduling_from_the_desk_holds_the_post_until_its_time(client, editor, session):
    client.force_login(editor)
    when = (timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    data = composer_data(
        paragraph("Départ de la course des enfants."),
        action="schedule",
        title="Course des enfants",
        scheduled_for=when.strftime("%Y-%m-%dT%H:%M"),
    )
    client.post(f"/editor/{session.slug}/posts/new/", data)
    post = Post.objects.get()
    assert post.status == "scheduled" and post.published_at == when
    assert "Course des enfants" not in client.get(f"/live/{session.slug}/").content.decode()
    html = client.get(f"/editor/{session.slug}/").content.decode()
    assert "Programmée le" in html
    publish_due_posts(now=when)
    assert "Course des enfants" in client.get(f"/live/{session.slug}/").content.decode()


def test_a_time_in_the_past_cannot_be_scheduled(client, editor, session):
    client.force_login(editor)
    data = composer_data(paragraph(), action="schedule", scheduled_for="2020-01-01T10:00")
    html = client.post(f"/editor/{session.slug}/posts/new/", data).content.decode()
    assert "Cette heure est passée : publiez plutôt maintenant." in html
    assert not Post.objects.exists()


def test_the_run_scheduler_command_publishes_what_is_due(session, make_post, capsys):
    post = make_post(session, title="Due", status="scheduled", minutes=0)
    call_command("run_scheduler", "--once")
    post.refresh_from_db()
    assert post.is_published
    assert f"Published scheduled post {post.pk}" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_process_publishes_with_nobody_on_the_page(session, make_post, settings):
    """The real command, in its own process, as `make serve` starts it."""
    post = make_post(session, title="Programmée", status="scheduled", minutes=0)
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() + timedelta(seconds=1))
    db = settings.DATABASES["default"]
    url = (
        f"sqlite:///{db['NAME']}"
        if db["ENGINE"].endswith("sqlite3")
        else f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_scheduler", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(
            lambda: Post.objects.get(pk=post.pk).is_published or process.poll() is not None,
            "the scheduler to publish the post",
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=WAIT)
    post.refresh_from_db()
    assert post.is_published, process.stderr.read().decode()
    assert process.returncode == 0
