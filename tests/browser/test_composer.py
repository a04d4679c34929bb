"""The composer at a journalist's pace: typing, pausing to check a fact, reloading, losing
the network, a colleague in another tab. Every test types key by key and pauses past the
page's timers (autosave after 2 s and every 10 s, presence every 15 s) before it looks at
what the journalist sees: the form, every character typed, and where the cursor is."""

import re

import pytest
from playwright.sync_api import expect

from liveblog.models import Draft, Post

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-jeanne-2026"
# A person typing: 60 ms a key.
PACE = 60
TITLE = "Le peloton aborde la côte des Vignes"
TEXT = "Trois coureurs tentent leur chance, le groupe laisse faire."


@pytest.fixture
def jeanne(settings, journalist, session):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    journalist.set_password(PASSWORD)
    journalist.save()
    session.journalists.add(journalist)
    return journalist


def log_in(page, server, username="jeanne", password=PASSWORD):
    page.goto(f"{server.url}/editor/login/")
    page.get_by_label("Nom d\u2019utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()


def paragraph(page, number: int = 1):
    return page.get_by_role("group", name=f"Bloc {number} · Paragraphe").get_by_label("Texte")


def pause_past_every_timer(page):
    """A journalist checking a fact: long enough for the autosave and the presence beat to
    run (waited for, not guessed: the page's own requests say when they have)."""
    with page.expect_response(re.compile(r"/presence/$"), timeout=40_000):
        pass
    with page.expect_response(re.compile(r"/autosave/$"), timeout=40_000):
        page.keyboard.type(" ", delay=PACE)
        page.keyboard.press("Backspace")


def wait_until(page, condition, timeout_ms: int = 30_000) -> None:
    """Polls a condition on the server's side (the database) while the page runs."""
    waited = 0
    while not condition():
        assert waited < timeout_ms, "the condition never came true"
        page.wait_for_timeout(250)
        waited += 250


def opened_in_timeline(page, title: str):
    """The compact timeline shows one line a post: open that line, as a journalist would,
    and give back the post as readers see it."""
    row = page.locator("#timeline .desk-post", has_text=title)
    row.locator("summary").click()
    return row.get_by_role("article", name=title)


def test_a_title_typed_then_a_pause_keeps_the_whole_form_the_words_and_the_focus(
    server, page, jeanne, session
):
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/")
    title = page.get_by_label("Titre", exact=True)
    title.click()
    title.press_sequentially(TITLE, delay=PACE)
    pause_past_every_timer(page)

    expect(page.get_by_text(re.compile(r"Brouillon enregistré à \d+H\d\d"))).to_be_visible()
    expect(page.get_by_role("heading", name="Nouvelle publication")).to_be_visible()
    expect(title).to_have_value(TITLE)
    expect(title).to_be_focused()
    expect(page.get_by_role("button", name="Publier maintenant")).to_be_visible()
    # The caret is still at the end: the next keys land after what was typed.
    title.press_sequentially(" sous le soleil", delay=PACE)
    expect(title).to_have_value(TITLE + " sous le soleil")


def test_editing_a_post_and_pausing_keeps_the_edit_form(server, page, jeanne, session, make_post):
    post = make_post(session, title="Ravitaillement au km 20", author=jeanne)
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/posts/{post.pk}/edit/")
    title = page.get_by_label("Titre", exact=True)
    title.click()
    page.keyboard.press("End")
    title.press_sequentially(" : eau et oranges", delay=PACE)
    pause_past_every_timer(page)

    expect(page.get_by_role("heading", name="Modifier la publication")).to_be_visible()
    expect(title).to_have_value("Ravitaillement au km 20 : eau et oranges")
    expect(title).to_be_focused()
    expect(page.get_by_role("button", name="Mettre à jour la publication")).to_be_visible()
    assert Draft.objects.get(post=post).data["title"] == "Ravitaillement au km 20 : eau et oranges"
    assert Post.objects.get(pk=post.pk).title == "Ravitaillement au km 20"


def autosaves(page) -> list[str]:
    """The bodies of the autosaves the server answered, in order."""
    bodies: list[str] = []
    page.on(
        "requestfinished",
        lambda request: (
            bodies.append(request.post_data or "") if request.url.endswith("/autosave/") else None
        ),
    )
    return bodies


def test_a_whole_post_with_blocks_typed_and_rearranged_keeps_every_word_then_ctrl_enter(
    server, page, jeanne, session
):
    composer_posts = []
    page.on(
        "request",
        lambda request: (
            composer_posts.append(request.url) if request.url.endswith("/posts/new/") else None
        ),
    )
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/")
    page.get_by_label("Titre", exact=True).click()
    page.keyboard.type(TITLE, delay=PACE)
    paragraph(page).click()
    page.keyboard.type(TEXT, delay=PACE)
    page.keyboard.press("Enter")
    page.keyboard.type("Le vent tourne.", delay=PACE)
    page.get_by_role("button", name="Citation").click()
    quote = page.get_by_role("group", name="Bloc 2 · Citation")
    expect(quote.get_by_label("Citation", exact=True)).to_be_focused()
    page.keyboard.type("On verra au sommet.", delay=PACE)
    quote.get_by_label("Attribution").click()
    page.keyboard.type("Le directeur sportif", delay=PACE)
    page.get_by_role("button", name="Paragraphe", exact=True).click()
    page.keyboard.type("Dernier paragraphe, tapé puis remonté.", delay=PACE)
    pause_past_every_timer(page)

    third = page.get_by_role("group", name="Bloc 3 · Paragraphe")
    expect(third.get_by_label("Texte")).to_be_focused()
    third.get_by_role("button", name="Monter").click()
    moved = page.get_by_role("group", name="Bloc 2 · Paragraphe")
    expect(moved.get_by_label("Texte")).to_have_text("Dernier paragraphe, tapé puis remonté.")
    quote = page.get_by_role("group", name="Bloc 3 · Citation")
    expect(quote.get_by_label("Citation", exact=True)).to_have_value("On verra au sommet.")
    expect(quote.get_by_label("Attribution")).to_have_value("Le directeur sportif")
    expect(paragraph(page)).to_contain_text(TEXT)
    expect(page.get_by_label("Titre", exact=True)).to_have_value(TITLE)
    # Nothing went to the server to add or move a block: the words never left the page.
    assert composer_posts == []

    # Ctrl+Enter from inside the formatted text publishes everything, in this order.
    paragraph(page).click()
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Publication publiée.")).to_be_visible()
    # After publishing, the cursor waits in the empty title for the next post.
    expect(page.get_by_label("Titre", exact=True)).to_have_value("")
    expect(page.get_by_label("Titre", exact=True)).to_be_focused()
    article = opened_in_timeline(page, TITLE)
    expect(article).to_be_visible()
    expect(article.locator(".block--text").nth(0)).to_contain_text(TEXT)
    expect(article.locator(".block--text").nth(1)).to_have_text(
        "Dernier paragraphe, tapé puis remonté."
    )
    expect(article.locator("blockquote")).to_have_text("On verra au sommet.")
    post = Post.objects.get(title=TITLE)
    assert [block.kind for block in post.blocks.all()] == ["paragraph", "paragraph", "quote"]
    assert post.blocks.first().text == f"<p>{TEXT}</p><p>Le vent tourne.</p>"
    assert not Draft.objects.exists()


def test_a_reload_right_after_typing_brings_back_every_word(server, page, jeanne, session):
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/")
    # However slow the machine types, no save reaches the server before the reload (as if
    # reloaded before the autosave's 2 s): only this browser holds the words.
    page.route(re.compile(r"/autosave/$"), lambda route: route.abort())
    page.get_by_label("Titre", exact=True).click()
    page.keyboard.type(TITLE, delay=PACE)
    paragraph(page).click()
    page.keyboard.type(TEXT, delay=PACE)
    # The status line says so, until the words reach the server and it says "saved at":
    # every text the line shows is kept, however briefly.
    page.add_init_script(
        """window.said = [];
        new MutationObserver(() => {
          const status = document.querySelector("[data-autosave]");
          if (status) window.said.push(status.textContent.trim());
        }).observe(document, { subtree: true, childList: true, characterData: true });"""
    )
    page.reload()
    page.unroute(re.compile(r"/autosave/$"))

    page.wait_for_function(
        "() => window.said.includes('Le brouillon gardé dans ce navigateur est revenu.')"
    )
    expect(page.get_by_label("Titre", exact=True)).to_have_value(TITLE)
    expect(paragraph(page)).to_have_text(TEXT)
    # Sent on its own: the server gets the words this browser kept.
    wait_until(page, lambda: TEXT in str(Draft.objects.values_list("data", flat=True).first()))
    draft = Draft.objects.get()
    assert draft.data["title"] == TITLE and TEXT in draft.data["blocks-0-text"]
    paragraph(page).click()
    page.keyboard.press("Control+End")
    pause_past_every_timer(page)
    expect(page.get_by_label("Titre", exact=True)).to_have_value(TITLE)
    expect(paragraph(page)).to_have_text(TEXT)


def test_words_typed_while_the_desk_is_still_loading_stay_when_the_editor_arrives(
    server, page, jeanne, session
):
    """A slow network: the journalist types into the plain field before rich-text.js has
    run. The formatted editor that replaces the field starts from those words."""
    log_in(page, server)
    held = []  # the desk's rich-text.js, answered only once the words are typed
    page.route("**/rich-text*.js", lambda route: held.append(route))
    page.goto(f"{server.url}/editor/{session.slug}/", wait_until="commit")
    plain = page.get_by_role("group", name="Bloc 1 · Paragraphe").locator("textarea")
    plain.click()
    page.keyboard.type(TEXT, delay=PACE)
    for _ in range(600):  # the page asked for it long ago; a ceiling, never a wait
        if held:
            break
        page.wait_for_timeout(50)
    held[-1].continue_()

    editor = paragraph(page)
    expect(editor).to_have_class(re.compile(r"rich-text"))
    expect(editor).to_have_text(TEXT)
    page.get_by_label("Titre", exact=True).fill(TITLE)
    page.get_by_role("button", name="Publier maintenant").click()
    expect(opened_in_timeline(page, TITLE)).to_contain_text(TEXT)


def test_offline_typing_is_kept_and_sent_once_when_the_network_is_back(
    server, page, jeanne, session
):
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/")
    answered = autosaves(page)
    page.get_by_label("Titre", exact=True).click()
    page.keyboard.type(TITLE, delay=PACE)
    expect(page.get_by_text(re.compile(r"Brouillon enregistré à"))).to_be_visible(timeout=15_000)

    page.context.set_offline(True)
    paragraph(page).click()
    page.keyboard.type(TEXT, delay=PACE)
    expect(page.get_by_text("Hors ligne : votre brouillon est gardé")).to_be_visible(timeout=15_000)
    assert "blocks-0-text" not in Draft.objects.get().data or TEXT not in str(
        Draft.objects.get().data
    )
    before = len(answered)

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text(re.compile(r"Brouillon enregistré à"))).to_be_visible(timeout=15_000)
    pause_past_every_timer(page)

    carrying = [body for body in answered[before:] if "Trois+coureurs" in body]
    seqs = [re.search(r"composer_seq=(\d+)", body).group(1) for body in carrying]
    assert len(seqs) == len(set(seqs)), "a draft went out twice"
    assert TEXT in Draft.objects.get().data["blocks-0-text"]
    expect(paragraph(page)).to_have_text(TEXT + "")
    expect(paragraph(page)).to_be_focused()


def test_two_tabs_on_one_post_are_told_and_nothing_is_overwritten(
    server, page, jeanne, session, make_post
):
    post = make_post(
        session,
        title="Abandon au km 30",
        author=jeanne,
        blocks=(("paragraph", {"text": "<p>Le favori <strong>s\u2019arrête</strong>.</p>"}),),
    )
    log_in(page, server)
    edit = f"{server.url}/editor/{session.slug}/posts/{post.pk}/edit/"
    first = page
    second = page.context.new_page()
    for tab in (first, second):
        tab.goto(edit)
        expect(paragraph(tab)).to_have_text("Le favori s\u2019arrête.")
        expect(paragraph(tab).locator("strong")).to_have_text("s\u2019arrête")

    first.get_by_label("Titre", exact=True).click()
    first.keyboard.press("End")
    first.keyboard.type(" (crampes)", delay=PACE)
    expect(first.get_by_text(re.compile("Brouillon enregistré à"))).to_be_visible(timeout=15_000)
    paragraph(second).click()
    second.keyboard.press("Control+End")
    second.keyboard.type(" Il repartira en vélo-balai.", delay=PACE)
    expect(
        second.get_by_text("aussi en cours d\u2019écriture dans une autre fenêtre")
    ).to_be_visible(timeout=15_000)

    first.get_by_role("button", name="Mettre à jour la publication").click()
    expect(first.get_by_text("Publication mise à jour.")).to_be_visible()
    second.get_by_role("button", name="Mettre à jour la publication").click()
    conflict = second.get_by_role("alert")
    expect(conflict).to_contain_text("Quelqu\u2019un d\u2019autre a enregistré cette publication")
    expect(conflict.get_by_role("article")).to_contain_text("Abandon au km 30 (crampes)")
    expect(conflict).to_contain_text("Il repartira en vélo-balai.")
    expect(paragraph(second)).to_have_text("Le favori s\u2019arrête. Il repartira en vélo-balai.")
    for tab in (first, second):
        assert "<p>" not in tab.locator("main").inner_text()
    saved = Post.objects.get(pk=post.pk)
    assert saved.title == "Abandon au km 30 (crampes)"
    assert "vélo-balai" not in saved.blocks.get().text


WORD_PROCESSOR_HTML = (
    '<html><head><style>p.MsoNormal{margin:0}</style><meta name="Generator" content="Word">'
    '</head><body><p class="MsoNormal" style="margin:0"><span style="font-family:Calibri">'
    "Le <b>maillot jaune</b> attaque</span><o:p></o:p></p>"
    '<p class="MsoNormal"><span style="font-style:italic">dans le dernier virage</span>, '
    '<a href="https://example.org/classement" style="color:blue">classement</a>.'
    '<img src="https://example.org/pixel.gif"><script>window.pasted = 1</script></p>'
    "<ul><li>Écart : 12 s</li></ul></body></html>"
)


def test_a_paste_from_a_word_processor_keeps_the_words_and_allowed_formatting_only(
    server, page, jeanne, session
):
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/")
    page.get_by_label("Titre", exact=True).click()
    page.keyboard.type("Attaque", delay=PACE)
    paragraph(page).click()
    page.evaluate(
        """(html) => {
            const data = new DataTransfer();
            data.setData('text/html', html);
            data.setData('text/plain', 'Le maillot jaune attaque');
            document.activeElement.dispatchEvent(
                new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        WORD_PROCESSOR_HTML,
    )
    text = paragraph(page)
    expect(text.locator("b, strong")).to_have_text("maillot jaune")
    expect(text.locator("em, i")).to_have_text("dans le dernier virage")
    expect(text.get_by_role("link", name="classement")).to_have_attribute(
        "href", "https://example.org/classement"
    )
    expect(text.locator("li")).to_have_text("Écart : 12 s")
    assert text.locator("img, script, span, [style], [class]").count() == 0
    assert page.evaluate("window.pasted") is None
    page.keyboard.type(" Fin.", delay=PACE)
    pause_past_every_timer(page)
    expect(text).to_contain_text("Fin.")
    expect(text).to_be_focused()

    page.keyboard.press("Control+Enter")
    article = opened_in_timeline(page, "Attaque")
    expect(article.locator("strong")).to_have_text("maillot jaune")
    stored = Post.objects.get(title="Attaque").blocks.get().text
    assert "style=" not in stored and "class=" not in stored and "<img" not in stored
    assert '<a href="https://example.org/classement"' in stored


def test_without_javascript_an_edit_shows_plain_paragraphs_and_keeps_them(
    server, browser, jeanne, session, make_post
):
    post = make_post(
        session,
        title="Sans script",
        author=jeanne,
        blocks=(
            ("paragraph", {"text": "<p>Le <strong>vent</strong> tombe.</p><p>Ciel clair.</p>"}),
        ),
    )
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/posts/{post.pk}/edit/")
    text = paragraph(page)
    expect(text).to_have_value("Le vent tombe.\n\nCiel clair.")
    text.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("Le soleil revient.", delay=PACE)
    page.get_by_role("button", name="Mettre à jour la publication").click()
    expect(page.get_by_text("Publication mise à jour.")).to_be_visible()
    assert post.blocks.get().text == (
        "<p>Le vent tombe.</p><p>Ciel clair.</p><p>Le soleil revient.</p>"
    )
    context.close()


def test_a_colleagues_post_arriving_in_the_timeline_leaves_my_sentence_alone(
    server, page, jeanne, session, make_post, editor
):
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/")
    paragraph(page).click()
    page.keyboard.type("Au ravitaillement du km 25, ", delay=PACE)
    make_post(session, title="Publié par Hugo pendant ce temps", author=editor)
    expect(
        page.locator("#timeline .desk-item-title", has_text="Publié par Hugo pendant ce temps")
    ).to_be_visible(timeout=20_000)
    page.keyboard.type("les bénévoles tendent l\u2019eau.", delay=PACE)
    pause_past_every_timer(page)

    expect(paragraph(page)).to_have_text(
        "Au ravitaillement du km 25, les bénévoles tendent l\u2019eau."
    )
    expect(paragraph(page)).to_be_focused()


def test_ctrl_enter_in_a_plain_field_publishes_and_the_post_never_comes_back_as_a_draft(
    server, page, jeanne, session
):
    # The field Ctrl+Enter is pressed in loses its focus as the fresh composer comes in,
    # and its late "change" once kept the published post in the browser, which the fresh
    # composer then "brought back": new words typed there went out as the old post.
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/")
    title = page.get_by_label("Titre", exact=True)
    title.click()
    page.keyboard.type(TITLE, delay=PACE)
    paragraph(page).click()
    page.keyboard.type(TEXT, delay=PACE)
    page.get_by_role("button", name="Citation").click()
    quote = page.get_by_role("group", name="Bloc 2 · Citation")
    page.keyboard.type("On verra au sommet.", delay=PACE)
    attribution = quote.get_by_label("Attribution")
    attribution.click()
    page.keyboard.type("Le directeur sportif", delay=PACE)
    attribution.press("Control+Enter")
    expect(page.get_by_text("Publication publiée.")).to_be_visible()
    expect(title).to_have_value("")

    # Longer than the autosave and presence timers, waited for on the page's own requests.
    with page.expect_response(re.compile(r"/presence/$"), timeout=40_000):
        pass
    expect(title).to_have_value("")
    expect(page.get_by_role("group", name="Bloc 2 · Citation")).to_have_count(0)
    expect(page.get_by_text("Le brouillon gardé dans ce navigateur est revenu.")).to_have_count(0)
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('liveblog:draft:'))")
        == []
    )
    title.press_sequentially("Le sommet", delay=PACE)
    paragraph(page).click()
    page.keyboard.type("Un coureur seul en tête.", delay=PACE)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#timeline .desk-item-title", has_text="Le sommet")).to_be_visible()
    assert sorted(Post.objects.values_list("title", flat=True)) == sorted(["Le sommet", TITLE])
