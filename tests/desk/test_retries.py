"""A composer sending tried twice (the server crashed after saving, the network dropped the
answer, a double click) makes one post, not two."""

import re

import pytest

from liveblog.models import Event, Post
from tests.helpers import composer_data, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def jclient(client, journalist, session):
    session.journalists.add(journalist)
    client.force_login(journalist)
    return client


def key_on(html: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', html).group(1)


def test_a_retried_publish_makes_one_post_and_one_event(jclient, session):
    key = key_on(jclient.get(f"/editor/{session.slug}/").content.decode())
    data = composer_data(paragraph("Le départ est donné."), title="Départ", submission_key=key)
    first = jclient.post(f"/editor/{session.slug}/posts/new/", data)
    seq = Event.objects.filter(session=session).count()

    retry = jclient.post(f"/editor/{session.slug}/posts/new/", data)

    post = Post.objects.get()
    assert post.is_published
    assert retry.status_code == first.status_code == 302
    assert retry["Location"] == first["Location"] == f"/editor/{session.slug}/#post-{post.pk}"
    assert Event.objects.filter(session=session).count() == seq


def test_each_new_composer_carries_a_key_of_its_own(jclient, session):
    desk = jclient.get(f"/editor/{session.slug}/").content.decode()
    data = composer_data(paragraph("Premier."), title="Un", submission_key=key_on(desk))
    after = jclient.post(f"/editor/{session.slug}/posts/new/", data, HTTP_HX_REQUEST="true")
    assert key_on(after.content.decode()) != key_on(desk)
    again = jclient.get(f"/editor/{session.slug}/").content.decode()
    assert key_on(again) != key_on(desk)


def test_two_posts_sent_without_a_key_are_two_posts(jclient, session):
    data = composer_data(paragraph("Sans clé."), title="Deux fois")
    jclient.post(f"/editor/{session.slug}/posts/new/", data)
    jclient.post(f"/editor/{session.slug}/posts/new/", data)
    assert Post.objects.count() == 2


def test_a_key_that_is_not_one_is_ignored(jclient, session):
    data = composer_data(paragraph("Clé bizarre."), title="Bizarre", submission_key="<x>")
    assert jclient.post(f"/editor/{session.slug}/posts/new/", data).status_code == 302
    assert Post.objects.get().submission_key == ""
