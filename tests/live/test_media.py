"""Photos load with DEBUG off: the app serves MEDIA_ROOT itself when nothing is in front."""

import os
import subprocess
import sys

import pytest

from liveblog.photos.renditions import make_renditions
from tests.helpers.images import encoded, picture
from tests.helpers.pages import read_head
from tests.helpers.servers import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_a_photo_and_each_of_its_renditions_load_with_debug_off(client, make_photo):
    photo = make_photo(size=(1600, 900))
    renditions = make_renditions(photo)
    assert renditions, "a 1600 px photo has smaller renditions"
    for url in [photo.image.url, *(r.file.url for r in renditions)]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("image/")
        assert b"".join(response.streaming_content)[:2] in (b"\xff\xd8", b"RI", b"\x89P")
        assert "public" in response["Cache-Control"]


def test_the_share_image_of_a_live_resolves(client, make_session, make_photo, settings):
    session = make_session(lead_photo=make_photo(size=(1200, 630)))
    head = read_head(client.get(f"/live/{session.slug}/").content.decode())
    image = head.meta["og:image"]
    assert image.startswith(settings.SITE_URL + "/media/")
    assert client.get(image.removeprefix(settings.SITE_URL)).status_code == 200


def test_an_unchanged_photo_is_not_sent_again(client, make_photo):
    url = make_photo().image.url
    modified = client.get(url)["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304


def test_nothing_outside_the_media_folder_can_be_reached(client, make_photo):
    make_photo()
    for path in ["/media/../manage.py", "/media/%2e%2e/manage.py", "/media/photos/", "/media/"]:
        assert client.get(path).status_code == 404, path


def test_photos_are_only_read(client, make_photo):
    url = make_photo().image.url
    assert client.post(url).status_code == 405


def test_a_production_process_serves_photos_with_debug_off(tmp_path):
    """Settings and URLs are read at start-up: a process of its own, configured as in production."""
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "depart.jpg").write_bytes(encoded(picture()))
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/media/photos/depart.jpg', secure=True, headers={'host': 'example.org'})\n"
        "print(r.status_code, r['Content-Type'])\n"
    )
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "example.org",
        "MEDIA_ROOT": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split() == ["200", "image/jpeg"], done.stderr


def settings_in_process(**environment: str) -> subprocess.CompletedProcess:
    script = "from django.conf import settings; print(settings.STORAGES['default'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **environment}
    return subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_s3_compatible_bucket_is_a_setting_not_a_code_change():
    done = settings_in_process(
        MEDIA_STORAGE="s3", S3_BUCKET="photos-redaction", S3_ENDPOINT_URL="https://s3.example.org"
    )
    assert "storages.backends.s3.S3Storage" in done.stdout, done.stderr
    assert "'bucket_name': 'photos-redaction'" in done.stdout
    assert "'querystring_auth': False" in done.stdout


def test_an_unknown_media_storage_stops_the_start_with_a_clear_message():
    done = settings_in_process(MEDIA_STORAGE="ftp")
    assert done.returncode != 0
    assert "MEDIA_STORAGE is 'filesystem' or 's3', not 'ftp'." in done.stderr
