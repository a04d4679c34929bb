"""The composer's text without JavaScript: plain words in, paragraphs out, and an edit that
never shows a journalist HTML tags."""

import pytest

from liveblog.models import Post
from tests.helpers import composer_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def jclient(client, journalist, session):
    session.journalists.add(journalist)
    client.force_login(journalist)
    return client


def test_plain_text_from_the_bare_textarea_becomes_paragraphs(jclient, session):
    data = composer_data(
        ("paragraph", {"text": "Km 30 < km 42.\n\nLe vent <b>tombe</b>.", "text_format": "plain"}),
        title="Au mur",
    )
    jclient.post(f"/editor/{session.slug}/posts/new/", data)
    block = Post.objects.get(title="Au mur").blocks.get()
    assert block.text == "<p>Km 30 &lt; km 42.</p><p>Le vent &lt;b&gt;tombe&lt;/b&gt;.</p>"


def test_formatted_text_from_the_editor_keeps_allowed_tags_only(jclient, session):
    html = '<p>Le <strong>favori</strong> <span style="color:red">abandonne</span><script>x</script></p>'
    data = composer_data(("paragraph", {"text": html, "text_format": "html"}), title="Abandon")
    jclient.post(f"/editor/{session.slug}/posts/new/", data)
    assert Post.objects.get(title="Abandon").blocks.get().text == (
        "<p>Le <strong>favori</strong> abandonne</p>"
    )


def test_the_edit_page_shows_words_in_the_textarea_and_the_formatting_to_the_editor(
    jclient, session, make_post, journalist
):
    post = make_post(
        session,
        author=journalist,
        blocks=(("paragraph", {"text": "<p>Un <strong>gras</strong> départ</p><p>Deux</p>"}),),
    )
    html = jclient.get(f"/editor/{session.slug}/posts/{post.pk}/edit/").content.decode()
    textarea = html[html.index('name="blocks-0-text"') :]
    textarea = textarea[textarea.index(">") + 1 : textarea.index("</textarea>")]
    assert textarea == "Un gras départ\n\nDeux"
    assert "&lt;p&gt;" not in html.split("data-html=")[0]
    # The formatting travels to the formatted-text editor in an attribute, escaped.
    assert 'data-html="&lt;p&gt;Un &lt;strong&gt;gras&lt;/strong&gt; départ' in html


def test_a_post_edited_without_javascript_keeps_its_paragraphs(
    jclient, session, make_post, journalist
):
    post = make_post(
        session, author=journalist, blocks=(("paragraph", {"text": "<p>Un</p><p>Deux</p>"}),)
    )
    data = composer_data(
        ("paragraph", {"text": "Un\n\nDeux, corrigé", "text_format": "plain"}),
        title=post.title,
        version=post.version,
    )
    jclient.post(f"/editor/{session.slug}/posts/{post.pk}/edit/", data)
    assert post.blocks.get().text == "<p>Un</p><p>Deux, corrigé</p>"


def test_blocks_added_without_javascript_come_as_plain_text_fields(jclient, session):
    data = composer_data(("paragraph", {"text": "Début"}), change="add-paragraph")
    html = jclient.post(f"/editor/{session.slug}/posts/new/", data).content.decode()
    assert 'name="blocks-1-text_format" value="plain"' in html
