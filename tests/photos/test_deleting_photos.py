"""A deleted photo leaves no file behind: its original and its renditions are removed from
the media folder once the deletion commits, and not before (a deletion undone keeps them).
An image replaced in the admin leaves the same way."""

from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from liveblog.domain.photos import delete_photo
from liveblog.models import AuditEntry, Event, Photo
from liveblog.photos.renditions import make_renditions
from tests.helpers.images import encoded, picture, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "deleted-photos-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def photo_with_renditions(media, make_photo):
    photo = make_photo(caption="Le podium sous la pluie.", size=(900, 500))
    make_renditions(photo)
    return photo


def files_of(photo) -> list[Path]:
    names = [photo.image.name, *photo.renditions.values_list("file", flat=True)]
    return [Path(photo.image.storage.path(name)) for name in names]


def test_a_deleted_photo_leaves_its_original_and_renditions_once_the_deletion_commits(
    photo_with_renditions, editor, media, django_capture_on_commit_callbacks
):
    files = files_of(photo_with_renditions)
    assert len(files) > 2 and all(file.exists() for file in files)
    assert all(Path(media) in file.parents for file in files)

    with django_capture_on_commit_callbacks() as on_commit:
        delete_photo(photo=photo_with_renditions, by=editor)
        assert all(file.exists() for file in files), "nothing removed before the commit"
    for callback in on_commit:
        callback()

    assert not any(file.exists() for file in files)
    assert not Photo.objects.exists()
    assert AuditEntry.objects.get(action="photo.deleted").username == "hugo"


def test_a_deletion_rolled_back_keeps_the_photo_and_its_files(
    photo_with_renditions, editor, django_capture_on_commit_callbacks
):
    files, pk = files_of(photo_with_renditions), photo_with_renditions.pk
    with (
        django_capture_on_commit_callbacks(execute=True) as on_commit,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        delete_photo(photo=photo_with_renditions, by=editor)
        raise RuntimeError("the deletion fails later in its transaction")
    assert not on_commit
    assert all(file.exists() for file in files)
    assert Photo.objects.filter(pk=pk).exists()


def test_a_photo_a_post_shows_is_not_deleted_and_keeps_its_files(
    photo_with_renditions, editor, session, make_post, django_capture_on_commit_callbacks
):
    make_post(session, blocks=[("photo", {"photo": photo_with_renditions})])
    files = files_of(photo_with_renditions)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ProtectedError):
        delete_photo(photo=photo_with_renditions, by=editor)
    assert all(file.exists() for file in files)


def test_readers_of_a_live_the_photo_led_see_the_live_without_it(
    photo_with_renditions, editor, session, django_capture_on_commit_callbacks
):
    session.lead_photo = photo_with_renditions
    session.save(update_fields=["lead_photo"])
    before = session.last_seq
    with django_capture_on_commit_callbacks(execute=True):
        delete_photo(photo=photo_with_renditions, by=editor)
    event = Event.objects.get(session=session, seq=before + 1)
    assert event.kind == "session.updated"
    assert photo_with_renditions.image.name not in event.html


def test_deleting_a_photo_in_admin_removes_its_files(
    admin_client, photo_with_renditions, django_capture_on_commit_callbacks
):
    files = files_of(photo_with_renditions)
    url = reverse("admin:liveblog_photo_delete", args=[photo_with_renditions.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert not any(file.exists() for file in files)


def test_deleting_photos_from_the_admin_list_removes_each_ones_files(
    admin_client, make_photo, media, django_capture_on_commit_callbacks
):
    photos = [make_photo(caption=f"Kilomètre {number}", size=(700, 400)) for number in (10, 20)]
    files = []
    for photo in photos:
        make_renditions(photo)
        files += files_of(photo)
    form = {"action": "delete_selected", "post": "yes", "_selected_action": [p.pk for p in photos]}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:liveblog_photo_changelist"), form)
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert not any(file.exists() for file in files)
    assert AuditEntry.objects.filter(action="photo.deleted").count() == 2


def test_an_image_replaced_in_admin_leaves_with_its_renditions(
    admin_client, photo_with_renditions, django_capture_on_commit_callbacks
):
    photo = photo_with_renditions
    old_files = files_of(photo)
    form = {
        "image": upload(encoded(picture((800, 450))), name="podium.jpg"),
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "credit": photo.credit_id,
        "uploaded_by": photo.uploaded_by_id,
    }
    url = reverse("admin:liveblog_photo_change", args=[photo.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    photo.refresh_from_db()
    assert Path(photo.image.path).exists() and photo.width == 800
    assert not any(file.exists() for file in old_files)
