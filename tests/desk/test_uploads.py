"""Photos sent with the composer: each decoded in turn, and only so many per sending."""

import pytest

from liveblog.desk.attachments import MAX_UPLOADS_PER_REQUEST
from liveblog.models import Photo
from tests.helpers import composer_data, jpeg

pytestmark = pytest.mark.django_db


def test_photos_past_the_limit_of_one_sending_are_refused_with_their_blocks_kept(
    client, journalist, session
):
    session.journalists.add(journalist)
    client.force_login(journalist)
    count = MAX_UPLOADS_PER_REQUEST + 2
    blocks = [
        (
            "photo",
            {"image": jpeg(f"photo-{n}.jpg"), "alt_text": f"Image {n}.", "credit": "Ana Ruiz"},
        )
        for n in range(count)
    ]

    response = client.post(f"/editor/{session.slug}/posts/new/", composer_data(*blocks))

    assert response.status_code == 422
    assert Photo.objects.count() == MAX_UPLOADS_PER_REQUEST
    html = response.content.decode()
    assert html.count("Au plus 10 photos peuvent être envoyées à la fois") == 2
    for n in range(count):
        assert f"Image {n}." in html, "every block is kept as typed"
