"""Renditions are background jobs kept in the database until the worker has done them:
none is lost when a process stops, none is made twice, a failed one is tried again."""

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from liveblog.photos import renditions
from liveblog.photos.renditions import make_renditions_after_commit

# The worker closes its database connection after each job, as in production: only a test
# whose writes are committed can watch it.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def database_jobs(settings):
    settings.TASKS = DATABASE_BACKEND


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def uploaded(make_photo):
    photo = make_photo(size=(1600, 900))
    make_renditions_after_commit(photo)  # committed already: asked at once
    return photo


def test_an_upload_leaves_its_renditions_waiting_in_the_database_for_the_worker(make_photo):
    photo = uploaded(make_photo)
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY
    assert job.args_kwargs["args"] == [photo.pk]
    assert photo.renditions.count() == 0, "nothing is made in the journalist's request"
    run_worker()
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert photo.renditions.count() == 10, "five widths, WebP and JPEG"


def test_readers_of_a_post_get_it_again_with_the_renditions(session, make_post, make_photo):
    photo = uploaded(make_photo)
    make_post(session, blocks=[("photo", {"photo": photo})])
    session.refresh_from_db()
    before = session.last_seq
    run_worker()
    session.refresh_from_db()
    assert session.last_seq == before + 1
    assert session.events.get(seq=session.last_seq).kind == "post.updated"


def test_a_job_asked_twice_makes_each_rendition_once(make_photo):
    photo = uploaded(make_photo)
    renditions.make_photo_renditions.enqueue(photo.pk)
    run_worker()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    assert photo.renditions.count() == 10


def test_a_failed_job_is_tried_again_later(make_photo, monkeypatch):
    photo = uploaded(make_photo)

    def disk_full(photo):
        raise OSError("No space left on device")

    monkeypatch.setattr(renditions, "make_renditions", disk_full)
    run_worker()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [photo.pk, 2]
    assert retry.run_after > failed.finished_at, "not at once: the disk needs a moment"
    monkeypatch.undo()
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=failed.finished_at)
    run_worker()
    assert photo.renditions.count() == 10
