"""A whole shift, in four browsers: an editor creates, schedules and staffs a live from the
desk; two journalists write fifteen posts with every kind of block, at a person's pace,
one of them through a 20-second network cut; the editor corrects, pins, marks key events
and ends the live; a reader who never reloads gets all of it, word for word, the same as
a fresh load of the page.

People type key by key and pause between fields. Cards come from a local stand-in for
the providers (tests/helpers/providers.py); the scheduler runs beside the server and
publishes the scheduled post on time. Every wait is on a condition, with the suite's
generous ceiling.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import expect

from liveblog.models import LiveSession, Post
from tests.helpers import WAIT_MS
from tests.helpers.providers import Providers
from tests.helpers.servers import AppServer, free_port, manage

pytestmark = pytest.mark.django_db(transaction=True)

KEY = 30  # ms a key: a quick typist
SLOW_KEY = 160  # ms a key: someone typing on a train, the network gone
PAUSE = 250  # ms between two fields: a look at the notes
VIDEO = "https://www.youtube.com/watch?v=depart2026"
X_POST = "https://x.com/deuxrives/status/1"
WIRE = (
    "VALMONT, 6 déc. — La préfecture annonce la réouverture des quais à la circulation "
    "à 14 h. Les navettes gratuites restent en service jusqu'au soir."
)
PASSWORDS = {"hugo": "pw-hugo-2026", "jeanne": "pw-jeanne-2026", "amine": "pw-amine-2026"}


@pytest.fixture(scope="module")
def providers():
    stand_in = Providers()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="module")
def shift_server(server, providers):
    """The app as in production, its cards read from the stand-in, and its scheduler."""
    port = free_port()
    env = {
        **server.env,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LIVEBLOG_CARDS_FETCH": "1",
        "LIVEBLOG_CARDS_ALLOW_LOOPBACK": "1",
        "LIVEBLOG_OEMBED_ENDPOINTS": json.dumps(providers.endpoints()),
        # Its jobs (cards, renditions) run at once after each request's commit: the session's
        # worker (tests/browser/conftest.py) has not these settings, and would refuse the
        # stand-in's loopback address. tests/desk/test_card_jobs.py runs cards in the worker.
        "LIVEBLOG_TASKS": "immediate",
    }
    app = AppServer("daphne", env, port=port)
    scheduler = manage(env, "run_scheduler", "--interval", "1", background=True)
    yield app
    scheduler.terminate()
    scheduler.wait(timeout=30)
    app.stop()


@pytest.fixture
def people(settings, journalist, editor, django_user_model):
    """Hugo edits; Jeanne and Amine write. The server checks passwords with the real hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    amine = django_user_model.objects.create_user("amine", first_name="Amine", last_name="Benali")
    amine.groups.add(Group.objects.get_or_create(name="journalists")[0])
    for person in (journalist, editor, amine):
        person.set_password(PASSWORDS[person.username])
        person.save()


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "ravitaillement.jpg"
    Image.new("RGB", (800, 450), "#2255aa").save(path, "JPEG")
    return path


@pytest.fixture
def browsers(browser):
    """One browser context a person, closed even when the test fails."""
    opened = []

    def open_for(**options):
        context = browser.new_context(
            locale="fr-FR", viewport={"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(WAIT_MS)
        opened.append(context)
        return context.new_page()

    yield open_for
    for context in opened:
        context.close()


def pause(page, ms: int = PAUSE) -> None:
    """A person between two fields (not a wait for the page: nothing is asserted after it)."""
    page.wait_for_timeout(ms)


def type_in(page, field, text: str, delay: int = KEY) -> None:
    field.click()
    field.press_sequentially(text, delay=delay)
    pause(page)


def log_in(page, server, username: str) -> None:
    page.goto(f"{server.url}/editor/")
    page.get_by_label("Nom d\u2019utilisateur").press_sequentially(username, delay=KEY)
    page.get_by_label("Mot de passe").press_sequentially(PASSWORDS[username], delay=KEY)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()


def block(page, number: int, kind: str):
    return page.get_by_role("group", name=f"Bloc {number} · {kind}")


def title_field(page):
    return page.get_by_label("Titre", exact=True)


def start_post(page, title: str, text: str) -> None:
    """Title, then the first paragraph: what every post starts with."""
    type_in(page, title_field(page), title)
    type_in(page, block(page, 1, "Paragraphe").get_by_label("Texte"), text)


def add_block(page, kind: str, number: int, button: str | None = None):
    page.get_by_role("button", name=button or kind, exact=True).click()
    added = block(page, number, kind)
    expect(added).to_be_visible()
    return added


def describe_photo(page, photo, caption: str, alt: str, credit: str) -> None:
    expect(photo.get_by_role("img", name="Aperçu de la photo envoyée")).to_be_visible()
    type_in(page, photo.get_by_label("Légende", exact=True), caption)
    type_in(page, photo.get_by_label("Texte alternatif"), alt)
    type_in(page, photo.get_by_label("Crédit photo"), credit)


def publish(page, title: str) -> None:
    """Ctrl+Enter from where the cursor is; the post is in the timeline, the composer empty."""
    page.keyboard.press("Control+Enter")
    expect(page.locator("#timeline .desk-item-title", has_text=title)).to_be_visible()
    expect(title_field(page)).to_have_value("")


def drop_a_photo(page, target) -> None:
    """A photo dragged from the desktop onto the block: a real File in a drop event."""
    transfer = page.evaluate_handle(
        """async () => {
            const canvas = Object.assign(document.createElement("canvas"), {width: 640, height: 360});
            const context = canvas.getContext("2d");
            context.fillStyle = "#cc7711";
            context.fillRect(0, 0, 640, 360);
            const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
            const transfer = new DataTransfer();
            transfer.items.add(new File([blob], "benevoles.png", {type: "image/png"}));
            return transfer;
        }"""
    )
    target.dispatch_event("dragover", {"dataTransfer": transfer})
    target.dispatch_event("drop", {"dataTransfer": transfer})


def paste_text(page, field, text: str) -> None:
    """Wire copy pasted as a person does: the clipboard, then Ctrl+V."""
    field.click()
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.keyboard.press("Control+V")
    pause(page)


def desk_line(page, title: str):
    return page.locator("#timeline .desk-post", has_text=title)


def open_line(page, title: str):
    line = desk_line(page, title)
    line.locator(".desk-item-title").click()
    return line


def reader_posts(page) -> list[tuple[str, str]]:
    """Every post on the reader's page in its order, by its id: its words, whitespace folded."""
    return [
        tuple(pair)
        for pair in page.evaluate(
            """() => [...document.querySelectorAll("article.post[id^=post-]")]
                .map((post) => [post.id, post.textContent.replace(/\\s+/g, " ").trim()])"""
        )
    ]


def test_a_whole_shift_reaches_a_reader_who_never_reloads(
    shift_server, providers, people, browsers, photo_file
):
    server = shift_server
    # The editor: a new live, planned, staffed; then started by hand.
    hugo = browsers()
    log_in(hugo, server, "hugo")
    hugo.get_by_role("link", name="Nouveau direct").click()
    type_in(hugo, hugo.get_by_label("Titre du direct"), "Marathon des Deux-Rives, la course")
    expect(hugo.get_by_label("Adresse (slug)")).to_have_value("marathon-des-deux-rives-la-course")
    type_in(hugo, hugo.get_by_label("Chapô"), "Du départ à l'arrivée, la course minute par minute.")
    type_in(hugo, hugo.get_by_label("Qui anime ce direct ?"), "Jeanne Martin et Amine Benali")
    soon = datetime.now(UTC) + timedelta(hours=1)
    hugo.get_by_label("Début prévu (TU)").fill(f"{soon:%Y-%m-%dT%H:%M}")
    hugo.get_by_label("Fin prévue (TU)").fill(f"{soon + timedelta(hours=6):%Y-%m-%dT%H:%M}")
    pause(hugo)
    hugo.get_by_role("button", name="Créer le direct").click()
    expect(hugo.get_by_role("heading", name="Qui écrit dans ce direct")).to_be_visible()
    hugo.get_by_label("Jeanne Martin").check()
    hugo.get_by_label("Amine Benali").check()
    hugo.get_by_role("button", name="Enregistrer l\u2019équipe").click()
    expect(hugo.get_by_text(f"Direct prévu le {soon.day}")).to_be_visible()
    live = LiveSession.objects.get(slug="marathon-des-deux-rives-la-course")
    assert sorted(p.username for p in live.journalists.all()) == ["amine", "jeanne"]
    hugo.get_by_role("button", name="Démarrer le direct").click()
    expect(hugo.get_by_text(re.compile(r"Direct démarré le"))).to_be_visible()
    desk = hugo.url

    # The reader opens the live once, at the top, and never reloads.
    reader = browsers()
    reader.goto(f"{server.url}/live/{live.slug}/")
    expect(reader.get_by_role("heading", name="Marathon des Deux-Rives, la course")).to_be_visible()

    jeanne = browsers(permissions=["clipboard-read", "clipboard-write"])
    log_in(jeanne, server, "jeanne")
    jeanne.goto(desk)
    amine = browsers()
    log_in(amine, server, "amine")
    amine.goto(desk)
    typed: dict[str, list[str]] = {}

    # 1. Formatted text: a word in bold with Ctrl+B.
    type_in(jeanne, title_field(jeanne), "Le départ est donné")
    text = block(jeanne, 1, "Paragraphe").get_by_label("Texte")
    type_in(jeanne, text, "Départ sous le soleil : ")
    jeanne.keyboard.press("Control+B")
    text.press_sequentially("neuf mille coureurs", delay=KEY)
    jeanne.keyboard.press("Control+B")
    text.press_sequentially(" sur la ligne.", delay=KEY)
    publish(jeanne, "Le départ est donné")
    typed["Le départ est donné"] = ["Départ sous le soleil : neuf mille coureurs sur la ligne."]

    # 2. A photo chosen from the disk.
    start_post(amine, "Premier ravitaillement", "Eau et oranges au kilomètre 5.")
    photo = add_block(amine, "Photo", 2)
    photo.get_by_label("Photo", exact=True).set_input_files(photo_file)
    describe_photo(
        amine, photo, "Le stand du kilomètre 5.", "Des gobelets sur une table.", "Amine Benali"
    )
    publish(amine, "Premier ravitaillement")
    typed["Premier ravitaillement"] = ["Eau et oranges au kilomètre 5.", "Le stand du kilomètre 5."]

    # 3. Scheduled: the podium, announced for the next minute; the scheduler sends it.
    start_post(jeanne, "Le podium à venir", "Remise des médailles sur le quai.")
    now = datetime.now(UTC)
    # The field is to the minute and must be ahead when the server reads it.
    at = now.replace(second=0, microsecond=0) + timedelta(minutes=1 if now.second < 45 else 2)
    jeanne.get_by_label("Heure de publication (TU)").fill(f"{at:%Y-%m-%dT%H:%M}")
    jeanne.get_by_role("button", name="Programmer à cette heure").click()
    expect(desk_line(jeanne, "Le podium à venir")).to_contain_text("Programmée")
    typed["Le podium à venir"] = ["Remise des médailles sur le quai."]

    # 4. A quote.
    start_post(amine, "Le mot du maire", "Au départ, la maire de Valmont a salué les bénévoles.")
    quote = add_block(amine, "Citation", 2)
    type_in(amine, quote.get_by_label("Citation", exact=True), "Sans eux, pas de course.")
    type_in(amine, quote.get_by_label("Attribution"), "La maire de Valmont")
    publish(amine, "Le mot du maire")
    typed["Le mot du maire"] = ["Sans eux, pas de course.", "La maire de Valmont"]

    # 5. An embedded video, as a card read from the provider.
    start_post(jeanne, "La vidéo du départ", "Les premiers mètres, vus du pont.")
    embed = add_block(jeanne, "Contenu intégré", 2)
    type_in(jeanne, embed.get_by_label("Adresse du message ou de la vidéo"), VIDEO)
    embed.get_by_role("button", name="Afficher la carte").click()
    expect(embed.get_by_label("Auteur de la publication")).to_have_value("Les Deux-Rives TV")
    embed.get_by_label("Auteur de la publication").click()
    publish(jeanne, "La vidéo du départ")
    typed["La vidéo du départ"] = ["Les premiers mètres, vus du pont.", "Les Deux-Rives TV"]

    # 6. A related link, as a card from the page's tags.
    start_post(amine, "Le parcours en détail", "Deux ponts et un faux plat attendent les coureurs.")
    link = add_block(amine, "Lien associé", 2)
    type_in(amine, link.get_by_label("URL"), f"{providers.url}/article")
    publish(amine, "Le parcours en détail")
    typed["Le parcours en détail"] = ["Le parcours du marathon, kilomètre par kilomètre"]

    # 7. Wire copy, pasted.
    type_in(jeanne, title_field(jeanne), "Circulation : les quais rouvrent")
    paste_text(jeanne, block(jeanne, 1, "Paragraphe").get_by_label("Texte"), WIRE)
    publish(jeanne, "Circulation : les quais rouvrent")
    typed["Circulation : les quais rouvrent"] = [WIRE]

    # 8. A photo dragged onto its block.
    start_post(amine, "Les bénévoles du kilomètre 10", "Deux cents bénévoles sur le parcours.")
    dropped = add_block(amine, "Photo", 2)
    drop_a_photo(amine, dropped)
    describe_photo(amine, dropped, "Les bénévoles au km 10.", "Des gilets orange.", "Amine Benali")
    publish(amine, "Les bénévoles du kilomètre 10")
    typed["Les bénévoles du kilomètre 10"] = ["Deux cents bénévoles sur le parcours."]

    # 9. Amine writes through a 20-second network cut; nothing he types is lost.
    type_in(amine, title_field(amine), "Le peloton s'étire")
    body = block(amine, 1, "Paragraphe").get_by_label("Texte")
    body.click()
    amine.context.set_offline(True)
    slow = (
        "Dans la montée du pont, le groupe de tête n'est plus que de six coureurs, l'écart grandit."
    )
    body.press_sequentially(slow, delay=SLOW_KEY)  # about 20 s offline
    expect(amine.get_by_text(re.compile("Hors ligne"))).to_be_visible()
    amine.context.set_offline(False)
    expect(amine.get_by_text(re.compile(r"Brouillon enregistré à"))).to_be_visible()
    expect(body).to_have_text(slow)
    expect(title_field(amine)).to_have_value("Le peloton s'étire")
    publish(amine, "Le peloton s'étire")
    typed["Le peloton s'étire"] = [slow]

    # 10 to 15: shorter posts, the two of them in turn.
    for page, title, words in (
        (jeanne, "Au semi, deux hommes en tête", "Ils passent la mi-course en 1 h 04."),
        (amine, "Chaleur : buvez", "Les secours rappellent de boire à chaque stand."),
        (jeanne, "Record de participation", "Quatorze mille deux cents inscrits cette année."),
        (amine, "Le message des organisateurs", "Ils saluent le public du pont."),
        (jeanne, "Arrivée du vainqueur", "Il franchit la ligne en 2 h 09."),
        (amine, "Fin de course", "Les derniers arrivent sous les applaudissements."),
    ):
        start_post(page, title, words)
        if title == "Le message des organisateurs":
            x_card = add_block(page, "Contenu intégré", 2)
            type_in(page, x_card.get_by_label("Adresse du message ou de la vidéo"), X_POST)
            x_card.get_by_role("button", name="Afficher la carte").click()
            expect(x_card.get_by_label("Auteur de la publication")).to_have_value(
                "Course des Deux-Rives"
            )
            x_card.get_by_label("Auteur de la publication").click()
        publish(page, title)
        typed[title] = [words]
    typed["Le message des organisateurs"].append("Le peloton passe le pont des Deux-Rives")

    # The editor's pass: a correction with a note, a pin, two key events.
    hugo.goto(desk)
    hugo.get_by_role("link", name="Modifier « Record de participation »").click()
    corrected = "Record de participation : 12 400 inscrits"
    title = title_field(hugo)
    title.click()
    title.press("Control+A")
    title.press_sequentially(corrected, delay=KEY)
    note = "Nous avions écrit quatorze mille deux cents inscrits ; ils sont 12 400."
    type_in(hugo, hugo.get_by_label("Note de correction"), note)
    hugo.get_by_role("button", name="Mettre à jour la publication").click()
    expect(desk_line(hugo, corrected)).to_be_visible()
    typed[corrected] = [*typed.pop("Record de participation"), "Correction", note]
    for post_title, button in (
        ("Chaleur : buvez", "Épingler"),
        ("Au semi, deux hommes en tête", "Marquer comme essentiel"),
        ("Arrivée du vainqueur", "Marquer comme essentiel"),
    ):
        line = open_line(hugo, post_title)
        line.get_by_role("button", name=button).click()
        done = "Épinglé" if button == "Épingler" else "Essentiel"
        expect(desk_line(hugo, post_title).locator(".desk-item-status")).to_contain_text(done)

    # The scheduled podium goes out on time, then the editor ends the live.
    scheduled = Post.objects.get(title="Le podium à venir")
    expect(reader.locator(f"#post-{scheduled.pk}")).to_be_visible(timeout=4 * WAIT_MS)
    hugo.goto(desk)
    hugo.get_by_role("button", name="Terminer le direct").click()
    expect(hugo.get_by_text(re.compile(r"Direct terminé le"))).to_be_visible()

    # The reader, who never reloaded, has all of it.
    expect(reader.get_by_text(re.compile(r"Direct terminé le"))).to_be_visible()
    posts = Post.objects.filter(session=live)
    assert posts.count() == 15 and all(post.is_published for post in posts)
    expect(reader.locator("article.post[id^=post-]")).to_have_count(15)
    for title, words in typed.items():
        article = reader.get_by_role("article", name=title)
        for said in words:
            expect(article).to_contain_text(said)
    expect(
        reader.get_by_role("article", name="Le départ est donné").locator("strong")
    ).to_have_text("neuf mille coureurs")
    expect(reader.get_by_role("article", name=corrected)).to_contain_text("Mis à jour à")
    pinned = reader.get_by_role("article", name="Chaleur : buvez")
    expect(pinned.locator(".badge--pinned")).to_be_visible()
    for key in ("Au semi, deux hommes en tête", "Arrivée du vainqueur"):
        expect(reader.get_by_role("article", name=key).locator(".badge--key")).to_be_visible()
    for alt in ("Des gobelets sur une table.", "Des gilets orange."):
        expect(reader.get_by_role("img", name=alt)).to_be_visible()
    live_view = reader_posts(reader)

    # And it is the page a newcomer loads now.
    newcomer = browsers()
    newcomer.goto(f"{server.url}/live/{live.slug}/")
    expect(newcomer.locator("article.post[id^=post-]")).to_have_count(15)
    assert reader_posts(newcomer) == live_view

    # The corrected post's own page keeps the correction in its public history.
    newcomer.get_by_role("article", name=corrected).get_by_role(
        "link", name="Lien vers cette publication"
    ).click()
    history = newcomer.get_by_role("region", name="Historique de la publication")
    expect(history).to_contain_text("Corrigée le")
    expect(history).to_contain_text(note)
