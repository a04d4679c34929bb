"""A local stand-in for the sites cards are read from: providers' oEmbed endpoints and an
article page with OpenGraph tags, on 127.0.0.1 (there is no internet here).

Each answer is what the real provider sends, with our own words: X and Bluesky put
the post in an `html` blockquote, YouTube gives a title and a thumbnail address.
It also answers badly on purpose: slowly, too much, not HTML, or with a redirect.
"""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image

X_HTML = (
    '<blockquote class="twitter-tweet"><p lang="fr" dir="ltr">Le peloton passe le pont '
    "des Deux-Rives, Amina Diallo en tête.<br>Quelle course !</p>&mdash; Course des "
    'Deux-Rives (@deuxrives) <a href="https://twitter.com/deuxrives/status/1">December 1, '
    "2026</a></blockquote>\n"
)
BLUESKY_HTML = (
    '<blockquote class="bluesky-embed"><p lang="fr">Ravitaillement au kilomètre 30 : '
    "bénévoles au rendez-vous.</p>&mdash; Club des coureurs (<a "
    'href="https://bsky.app/profile/club">@club.bsky.social</a>) <a '
    'href="https://bsky.app/profile/club/post/3k">2026-12-01T09:42:00.000Z</a></blockquote>'
    '<script async src="https://embed.bsky.app/static/embed.js"></script>'
)
ARTICLE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Le parcours | Le Journal des Deux-Rives</title>
<meta property="og:title" content="Le parcours du marathon, kilomètre par kilomètre">
<meta property="og:description" content="Deux ponts, un faux plat et une arrivée sur les quais.">
<meta property="og:image" content="/images/parcours.jpg">
<meta property="og:site_name" content="Le Journal des Deux-Rives">
</head><body><p>Texte de l'article.</p></body></html>"""


def jpeg(size=(800, 450), colour="#cc3322") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


class Providers:
    """The server, its address, and the paths it was asked for."""

    def __init__(self):
        self.requests: list[str] = []
        self.release = threading.Event()  # lets a held answer (/slow, /drip) finish
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def endpoints(self) -> dict[str, str]:
        """LIVEBLOG_OEMBED_ENDPOINTS pointing at this server."""
        return {
            "X": f"{self.url}/oembed/x?url={{url}}",
            "YouTube": f"{self.url}/oembed/youtube?url={{url}}",
            "Bluesky": f"{self.url}/oembed/bluesky?url={{url}}",
        }

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def hits(self, path: str) -> int:
        return sum(1 for seen in self.requests if urlsplit(seen).path == path)

    def _handler(self):
        providers = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                providers.requests.append(self.path)
                parts = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                route = ROUTES.get(parts.path)
                if route is None:
                    self.answer(404, "text/plain", b"not here")
                else:
                    route(self, providers, query)

            def answer(self, status, content_type, body: bytes, **headers):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()
                self.wfile.write(body)

        return Handler


def oembed_x(handler, providers, query):
    data = {
        "url": query.get("url"),
        "author_name": "Course des Deux-Rives",
        "author_url": "https://twitter.com/deuxrives",
        "html": X_HTML,
        "provider_name": "Twitter",
        "type": "rich",
        "version": "1.0",
    }
    handler.answer(200, "application/json; charset=utf-8", json.dumps(data).encode())


def oembed_youtube(handler, providers, query):
    data = {
        "title": "L'arrivée du marathon des Deux-Rives en vidéo",
        "author_name": "Les Deux-Rives TV",
        "author_url": "https://www.youtube.com/@deuxrives",
        "provider_name": "YouTube",
        "thumbnail_url": f"{providers.url}/images/video.jpg",
        "thumbnail_width": 800,
        "thumbnail_height": 450,
        "type": "video",
        "html": '<iframe src="https://www.youtube.com/embed/x"></iframe>',
    }
    handler.answer(200, "application/json", json.dumps(data).encode())


def oembed_bluesky(handler, providers, query):
    data = {"author_name": "Club des coureurs", "html": BLUESKY_HTML, "type": "rich"}
    handler.answer(200, "application/json", json.dumps(data).encode())


def article(handler, providers, query):
    handler.answer(200, "text/html; charset=utf-8", ARTICLE.encode())


def image(handler, providers, query):
    handler.answer(200, "image/jpeg", jpeg())


def not_an_image(handler, providers, query):
    handler.answer(200, "image/jpeg", b"<html>not a picture</html>")


def slow(handler, providers, query):
    # Holds the answer until the test is over: the fetcher must give up by itself.
    providers.release.wait(30)
    handler.answer(200, "text/html", ARTICLE.encode())


def drip(handler, providers, query):
    # One byte at a time, each well within a socket timeout, for far longer than a fetch may take.
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    for _byte in range(600):
        if providers.release.wait(0.05):
            return
        handler.wfile.write(b" ")
        handler.wfile.flush()


def huge(handler, providers, query):
    body = ARTICLE.encode() + b"<!-- " + b"x" * (600 * 1024) + b" -->"
    if query.get("length") == "hidden":
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.wfile.write(body)
    else:
        handler.answer(200, "text/html", body)


def pdf(handler, providers, query):
    handler.answer(200, "application/pdf", b"%PDF-1.7 our own document")


def redirect(handler, providers, query):
    handler.answer(302, "text/plain", b"", Location=query.get("to", "/article"))


ROUTES = {
    "/oembed/x": oembed_x,
    "/oembed/youtube": oembed_youtube,
    "/oembed/bluesky": oembed_bluesky,
    "/article": article,
    "/images/parcours.jpg": image,
    "/images/video.jpg": image,
    "/images/broken.jpg": not_an_image,
    "/slow": slow,
    "/drip": drip,
    "/huge": huge,
    "/document.pdf": pdf,
    "/redirect": redirect,
}
