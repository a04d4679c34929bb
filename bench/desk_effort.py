"""What publishing costs a journalist at the desk, measured in Chromium on a real server.

    PYTHONPATH=$PWD DJANGO_DEBUG=1 .venv/bin/python bench/desk_effort.py

It makes a throwaway SQLite database (migrated, a journalist, a live, and a second live of
50 posts, every fifth with a photo), serves it with daphne as the README does, logs in
through the login page and then, typing at 60 ms a key like the browser tests:

- publishes a text post (title, one paragraph, Ctrl+Enter), then a post with one photo
  (title, paragraph, “Photo”, the file chosen, caption, alt text, credit, Ctrl+Enter);
- counts the clicks on buttons and the clicks that only put the cursor in a field, apart;
- times what is not typing: clicks, the photo's upload, and from Ctrl+Enter to the post in
  the timeline with an empty composer ready for the next one;
- counts the requests the page makes to the server from the first key to that moment
  (documents, htmx and fetch; static files and the photo's own preview apart), and apart
  the desk's panels that poll anyway (presence, audience, questions), and 2 s more for
  what the page does after (its timeline refreshed when the post's event comes back);
- opens the 50-post desk at 1280x800 and says how many screens the timeline is.

`--json` prints the figures as JSON instead. Nothing here is kept: the database, media and
server go when it ends.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KEY_DELAY = 60  # ms a key, as the browser tests type
WAIT_MS = 60_000  # a ceiling for every wait, never a pause
PASSWORD = "mesure-desk-2026"
WIDTH, HEIGHT = 1280, 800
# Tabs a person presses to reach the next field before reaching for the mouse instead.
TABS = 2
APP = "newsroom.asgi:application"
# The desk's panels that poll whatever the journalist does: not the post's round trips.
BACKGROUND = ("presence", "audience", "questions")
FOLLOW_UPS_MS = 2000

# Run by `manage.py shell` on the throwaway database: who writes, and the two lives.
SETUP = """
import io
from datetime import UTC, datetime, timedelta
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from PIL import Image
from liveblog.domain.posts import publish_post
from liveblog.domain.sessions import start_session
from liveblog.models import Block, LiveSession, Photo, PhotoCredit, Post, Rubric

jeanne = User.objects.create_user(
    "jeanne", password=PASSWORD, first_name="Jeanne", last_name="Martin"
)
jeanne.groups.add(Group.objects.get_or_create(name="journalists")[0])
start = datetime.now(UTC) - timedelta(hours=11)
for slug, headline in (
    ("mesure", "Marathon des Deux-Rives : la mesure"),
    ("cinquante", "Marathon des Deux-Rives : cinquante publications"),
):
    live = LiveSession.objects.create(
        slug=slug, language="fr", headline=headline, standfirst="La course, kilomètre par kilomètre."
    )
    live.journalists.add(jeanne)
    start_session(session=live, by=jeanne, at=start)
buffer = io.BytesIO()
Image.new("RGB", (1600, 900), "#3366aa").save(buffer, "JPEG")
credit = PhotoCredit.objects.get_or_create(agency="Clairvue", photographer="Léa Moreau")[0]
photo = Photo.objects.create(
    image=ContentFile(buffer.getvalue(), name="pont.jpg"), caption="Le pont des Deux-Rives.",
    alt_text="Des coureurs sur un pont.", credit=credit, uploaded_by=jeanne,
)
rubrics = ["Course", "Météo", "Ravitaillement", "Sécurité"]
live = LiveSession.objects.get(slug="cinquante")
for number in range(50):
    post = Post.objects.create(
        session=live, author=jeanne, rubric=Rubric.named(rubrics[number % 4]),
        title=f"Kilomètre {number} : le groupe de tête passe sous l'arche du quai",
    )
    Block.objects.create(
        post=post, position=0, kind="paragraph",
        text="<p>" + "Les coureurs passent, la foule applaudit le long du quai. " * 6 + "</p>",
    )
    if number % 5 == 0:
        Block.objects.create(post=post, position=1, kind="photo", photo=photo)
    publish_post(post=post, by=jeanne, at=start + timedelta(minutes=12 * number))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, ceiling: float = 120) -> None:
    deadline = time.monotonic() + ceiling
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped before it listened")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not listen on {port} within {ceiling:.0f} s")


def manage(env: dict, *arguments: str) -> None:
    command = [sys.executable, "manage.py", *arguments]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)


class Effort:
    """What one post cost: clicks by kind, seconds that were not typing, requests."""

    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin
        self.button_clicks = 0
        self.cursor_clicks = 0
        self.keys = 0  # keys that are not text: Tab, Ctrl+Enter
        self.waiting = 0.0
        self.requests: list[str] = []
        self.began = time.monotonic()
        page.on("request", self.heard)

    def heard(self, request) -> None:
        url = request.url
        if not url.startswith(self.origin) or request.resource_type not in (
            "document",
            "xhr",
            "fetch",
        ):
            return
        path = url[len(self.origin) :].split("?")[0]
        self.requests.append(path)

    def stop(self) -> None:
        """After the page's own follow-ups: the timeline's refresh, 0.4 s after the post's
        event comes back over the desk's socket, is a round trip of this post too."""
        self.seconds = time.monotonic() - self.began
        self.page.wait_for_timeout(FOLLOW_UPS_MS)
        self.page.remove_listener("request", self.heard)

    def type(self, locator, text: str) -> None:
        """Typing, not counted. The cursor gets there as a person at a keyboard moves it:
        Tab when the field is at most `TABS` stops on, else a click."""
        focused = "element => element === document.activeElement"
        for _stop in range(TABS):
            if locator.evaluate(focused):
                break
            self.timed(lambda: self.page.keyboard.press("Tab"))
            self.keys += 1
        if not locator.evaluate(focused):
            self.timed(locator.click)
            self.cursor_clicks += 1
        locator.press_sequentially(text, delay=KEY_DELAY)

    def click(self, locator) -> None:
        self.timed(locator.click)
        self.button_clicks += 1

    def press(self, locator, keys: str) -> None:
        self.timed(lambda: locator.press(keys))
        self.keys += 1

    def timed(self, action) -> None:
        began = time.monotonic()
        action()
        self.waiting += time.monotonic() - began

    def wait(self, expectation) -> None:
        self.timed(expectation)

    def figures(self) -> dict:
        calls: dict[str, int] = {}
        for path in self.requests:
            calls[kind_of(path)] = calls.get(kind_of(path), 0) + 1
        own = [path for path in self.requests if kind_of(path) not in BACKGROUND]
        return {
            "button_clicks": self.button_clicks,
            "cursor_clicks": self.cursor_clicks,
            "keys_beyond_typing": self.keys,
            "seconds_beyond_typing": round(self.waiting, 2),
            "seconds_in_all": round(self.seconds, 1),
            "round_trips": len(own),
            "round_trips_with_polling": len(self.requests),
            "round_trips_by_kind": calls,
        }


def kind_of(path: str) -> str:
    """The request's job, named from its desk URL (liveblog/desk/urls.py)."""
    for word in ("autosave", "upload", "card", "photos", "notes", *BACKGROUND):
        if word in path:
            return word
    if path.endswith("/posts/new/"):
        return "publish"
    if "/editor/" in path:
        return "desk page or timeline"
    return path


def measure(page, base: str) -> dict:
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    page.goto(f"{base}/editor/")
    page.get_by_label("Nom d\u2019utilisateur").fill("jeanne")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()

    figures: dict = {}
    page.goto(f"{base}/editor/mesure/")
    title = page.get_by_label("Titre", exact=True)
    expect(title).to_be_visible()

    def published(name: str):
        row = page.locator("#timeline .desk-item-title", has_text=name)
        return lambda: (expect(row).to_be_visible(), expect(title).to_have_value(""))

    effort = Effort(page, base)
    text = page.get_by_role("group", name="Bloc 1 · Paragraphe").get_by_label("Texte")
    effort.type(title, "Le groupe de tête passe le pont")
    effort.type(text, "Six coureuses en tête, quarante secondes d'avance sur le peloton.")
    effort.press(text, "Control+Enter")
    effort.wait(published("Le groupe de tête passe le pont"))
    effort.stop()
    figures["text_post"] = effort.figures()

    photo_file = Path(tempfile.mkdtemp()) / "arche.jpg"
    from PIL import Image

    Image.new("RGB", (1600, 1200), "#aa5533").save(photo_file, "JPEG", quality=90)
    effort = Effort(page, base)
    text = page.get_by_role("group", name="Bloc 1 · Paragraphe").get_by_label("Texte")
    effort.type(title, "L'arche d'arrivée est montée")
    effort.type(text, "Les bénévoles ont fini de monter l'arche sur le quai.")
    effort.click(page.get_by_role("button", name="Photo", exact=True))
    block = page.get_by_role("group", name="Bloc 2 · Photo")
    # Choosing the file is not counted (the file dialog is the system's); its upload is.
    block.get_by_label("Photo", exact=True).set_input_files(photo_file)
    effort.wait(
        lambda: expect(block.get_by_role("img", name="Aperçu de la photo envoyée")).to_be_visible()
    )
    effort.type(block.get_by_label("Légende", exact=True), "L'arche, quai des Deux-Rives.")
    effort.type(block.get_by_label("Texte alternatif"), "Une arche gonflable bleue sur un quai.")
    credit = block.get_by_label("Crédit photo")
    effort.type(credit, "Jeanne Martin")
    effort.press(credit, "Control+Enter")
    effort.wait(published("L'arche d'arrivée est montée"))
    effort.stop()
    figures["photo_post"] = effort.figures()

    page.goto(f"{base}/editor/cinquante/")
    expect(page.locator("#timeline .desk-post")).to_have_count(50)
    timeline = page.evaluate("document.getElementById('timeline').scrollHeight")
    whole = page.evaluate("document.documentElement.scrollHeight")
    figures["desk_50_posts"] = {
        "viewport": f"{WIDTH}x{HEIGHT}",
        "timeline_px": timeline,
        "timeline_screens": round(timeline / HEIGHT, 2),
        "page_px": whole,
        "page_screens": round(whole / HEIGHT, 2),
    }
    return figures


def run() -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="desk-effort-") as folder:
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "LIVEBLOG_TASKS": "database",  # renditions wait for a worker, as in production
            "LIVEBLOG_CARDS_FETCH": "0",
        }
        env.pop("REDIS_URL", None)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "shell", "-c", f"PASSWORD = {PASSWORD!r}\n{SETUP}")
        server = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), APP],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port, server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    locale="fr-FR", viewport={"width": WIDTH, "height": HEIGHT}
                )
                context.set_default_timeout(WAIT_MS)
                try:
                    return measure(context.new_page(), f"http://127.0.0.1:{port}")
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def report(figures: dict) -> str:
    lines = []
    for name, label in (("text_post", "Text post"), ("photo_post", "Post with one photo")):
        f = figures[name]
        kinds = ", ".join(
            f"{kind} {count}" for kind, count in sorted(f["round_trips_by_kind"].items())
        )
        lines.append(
            f"{label}: {f['button_clicks']} button clicks, {f['cursor_clicks']} clicks to put "
            f"the cursor in a field, {f['keys_beyond_typing']} keys beyond text "
            f"(Tab, Ctrl+Enter); {f['seconds_beyond_typing']} s beyond typing "
            f"({f['seconds_in_all']} s with it); {f['round_trips']} round trips of its own, "
            f"{f['round_trips_with_polling']} with the desk's polling ({kinds})"
        )
    desk = figures["desk_50_posts"]
    lines.append(
        f"Desk with 50 posts at {desk['viewport']}: timeline {desk['timeline_px']} px = "
        f"{desk['timeline_screens']} screens (whole page {desk['page_px']} px = "
        f"{desk['page_screens']} screens)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    figures = run()
    print(json.dumps(figures, indent=2) if parser.parse_args().json else report(figures))


if __name__ == "__main__":
    main()
