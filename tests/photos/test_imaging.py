"""The photo pipeline, on images drawn with Pillow: what is accepted, what is stored, what readers get."""

import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from PIL import Image, features

from liveblog.domain.photos import announce_renditions
from liveblog.domain.sessions import update_header
from liveblog.models import Event, Photo, PhotoCredit, PhotoRendition
from liveblog.photos.imaging import (
    MAX_UPLOAD_BYTES,
    PixelBudget,
    accept_upload,
    store_photo,
    suggested_fields,
)
from liveblog.photos.renditions import make_renditions
from tests.helpers import WAIT
from tests.helpers.images import (
    ARTIST,
    GPS_IFD,
    SRGB,
    camera_exif,
    encoded,
    picture,
    png_header,
    upload,
    with_iptc,
)

pytestmark = pytest.mark.django_db


def refusal(data: bytes, name="photo.jpg") -> str:
    with pytest.raises(ValidationError) as refused:
        accept_upload(upload(data, name))
    return refused.value.messages[0]


ACCEPTED = ["JPEG", "PNG", "WEBP"] + (["AVIF"] if features.check("avif") else [])


@pytest.mark.parametrize("fmt", ACCEPTED)
def test_photos_are_accepted_by_their_content_whatever_their_name(fmt):
    accepted = accept_upload(upload(encoded(picture(), fmt), name="notes-de-course.txt"))
    assert accepted.format == fmt
    assert accepted.image.size == (80, 40)


def test_a_file_over_25_mb_is_refused_with_its_size():
    assert MAX_UPLOAD_BYTES == 25 * 1024 * 1024
    message = refusal(b"\xff\xd8" + b"\x00" * 30 * 1024 * 1024)
    assert message == "Ce fichier fait 30,0\xa0Mio ; une photo peut faire au plus 25,0\xa0Mio."


@pytest.mark.parametrize(
    "size",
    [(9_000, 8_000), (12_000, 9_000), (30_000, 30_000)],
    ids=["over-our-limit", "over-pillow-warning", "over-pillow-error"],
)
def test_a_decompression_bomb_is_refused_from_its_header(size):
    message = refusal(png_header(*size), name="bombe.png")
    assert message == (
        "Cette image a trop de pixels (64 millions au plus) : envoyez-en une plus petite."
    )


def test_a_truncated_photo_is_refused():
    whole = encoded(Image.effect_noise((400, 300), 60).convert("RGB"), quality=95)
    message = refusal(whole[: len(whole) // 2])
    assert message == (
        "Cette image est endommagée ou incomplète et ne peut pas être lue : exportez-la à nouveau."
    )


def test_a_corrupt_photo_is_refused():
    data = bytearray(encoded(Image.effect_noise((200, 100), 60).convert("RGB"), "PNG"))
    data[200:260] = b"\x00" * 60
    assert refusal(bytes(data), name="photo.png").startswith("Cette image est endommagée")


@pytest.mark.parametrize(
    "data",
    [b"Le peloton passe le pont.\n" * 40, encoded(picture(), "GIF"), encoded(picture(), "BMP")],
    ids=["text", "gif", "bmp"],
)
def test_a_file_that_is_not_a_photo_we_take_is_refused_with_the_types_we_take(data):
    message = refusal(data)
    assert message.startswith("Ce fichier n\N{RIGHT SINGLE QUOTATION MARK}est pas une photo")
    assert "Formats acceptés : JPEG" in message
    assert "PNG" in message and "WebP" in message


def test_the_photo_is_stored_upright():
    # Orientation 6: the camera was turned a quarter clockwise; the sensor's left is the top.
    data = encoded(picture((80, 40)), exif=camera_exif(orientation=6))
    photo = store_photo(accept_upload(upload(data)), caption="Départ")
    stored = Image.open(photo.image.path)
    assert stored.size == (40, 80) == (photo.width, photo.height)
    red, blue = stored.getpixel((20, 10)), stored.getpixel((20, 70))
    assert red[0] > 200 > red[2] and blue[2] > 200 > blue[0], "red on top, blue below"


def test_location_and_names_are_gone_from_every_stored_file_but_the_colour_profile_stays():
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Jeanne Martin, 48.8567 N</x:xmpmeta>'
    data = encoded(picture((1400, 700)), exif=camera_exif(), xmp=xmp, icc_profile=SRGB)
    data = with_iptc(data, {(2, 80): "Jeanne Martin", (2, 120): "Au départ"})
    photo = store_photo(accept_upload(upload(data, name="IMG_jeanne_chez_moi.jpg")))
    renditions = make_renditions(photo)
    files = [photo.image] + [rendition.file for rendition in renditions]
    assert len(files) == 1 + 2 * 5
    for file in files:
        with file.open("rb") as opened:
            raw = opened.read()
        image = Image.open(io.BytesIO(raw))
        assert not image.getexif(), file.name
        assert image.getexif().get_ifd(GPS_IFD) == {}, file.name
        assert not {"xmp", "XML:com.adobe.xmp", "photoshop"} & set(image.info), file.name
        assert b"Jeanne" not in raw and b"Exif" not in raw, file.name
        assert image.info.get("icc_profile") == SRGB, file.name
    assert "jeanne" not in photo.image.name


def test_caption_and_credit_are_suggested_from_the_agency_iptc_fields():
    data = with_iptc(
        encoded(picture(), exif=camera_exif()),
        {
            (2, 80): "Léa Moreau",
            (2, 110): "Clairvue",
            (2, 120): "Les coureurs franchissent le pont des Deux-Rives.",
        },
    )
    assert suggested_fields(accept_upload(upload(data)).source) == {
        "caption": "Les coureurs franchissent le pont des Deux-Rives.",
        "photographer": "Léa Moreau",
        "agency": "Clairvue",
    }


def test_caption_and_credit_are_suggested_from_exif_when_there_is_no_iptc():
    exif = Image.Exif()
    # Written as today's software does: UTF-8 in fields the standard calls ASCII.
    exif[0x010E] = "Arrivée du marathon".encode()
    exif[ARTIST] = b"Karim Benali"
    exif[0x8298] = "© 2026 Clairvue".encode()
    accepted = accept_upload(upload(encoded(picture(), exif=exif)))
    assert suggested_fields(accepted.source) == {
        "caption": "Arrivée du marathon",
        "photographer": "Karim Benali",
        "agency": "Clairvue",
    }


def test_a_photo_without_metadata_suggests_nothing():
    accepted = accept_upload(upload(encoded(picture(), "PNG")))
    assert suggested_fields(accepted.source) == {"caption": "", "photographer": "", "agency": ""}


def test_renditions_come_in_five_widths_as_webp_and_jpeg():
    photo = store_photo(accept_upload(upload(encoded(picture((2400, 1600))))))
    renditions = make_renditions(photo)
    made = sorted((r.format, r.width, r.height) for r in renditions)
    widths = [(320, 213), (640, 427), (960, 640), (1280, 853), (1920, 1280)]
    assert made == [("jpeg", w, h) for w, h in widths] + [("webp", w, h) for w, h in widths]
    for rendition in renditions:
        with rendition.file.open("rb") as file, Image.open(file) as image:
            assert image.format == {"jpeg": "JPEG", "webp": "WEBP"}[rendition.format]
            assert image.size == (rendition.width, rendition.height)


def test_renditions_are_never_wider_than_the_photo():
    photo = store_photo(accept_upload(upload(encoded(picture((700, 350)), "PNG"))))
    widths = sorted({r.width for r in make_renditions(photo)})
    assert widths == [320, 640, 700]


def test_a_transparent_png_gets_a_white_background_in_its_jpeg_renditions():
    image = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    photo = store_photo(accept_upload(upload(encoded(image, "PNG"), name="logo.png")))
    jpeg = next(r for r in make_renditions(photo) if r.format == PhotoRendition.Format.JPEG)
    with jpeg.file.open("rb") as file, Image.open(file) as rendered:
        assert rendered.getpixel((10, 10))[0] > 240


def test_making_renditions_twice_makes_nothing_new():
    photo = store_photo(accept_upload(upload(encoded(picture((700, 350))))))
    first = {r.pk for r in make_renditions(photo)}
    assert {r.pk for r in make_renditions(photo)} == first


@pytest.mark.django_db(transaction=True)
def test_renditions_are_asked_for_once_the_upload_commits_and_made_off_the_request_path(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        photo = store_photo(accept_upload(upload(encoded(picture((700, 350))))))
        assert not DBTaskResult.objects.exists(), "nothing is asked before the photo is saved"
    assert DBTaskResult.objects.get().args_kwargs["args"] == [photo.pk]
    assert not photo.renditions.exists(), "the upload's request does not wait for them"


def test_an_upload_waits_while_the_process_decodes_its_budget_of_pixels_then_goes_on():
    budget = PixelBudget(100)
    waiting, done = threading.Event(), []

    def second_upload():
        waiting.set()
        with budget.reserve(60, wait=60):
            done.append(budget.free)

    with budget.reserve(80):
        other = threading.Thread(target=second_upload)
        other.start()
        waiting.wait(timeout=WAIT)
        assert not done, "60 more pixels do not fit beside 80 of 100"
    other.join(timeout=WAIT)
    assert done == [40]
    assert budget.free == 100


def test_an_upload_that_waited_too_long_is_refused_with_a_message_and_nothing_lost():
    budget = PixelBudget(100)
    with budget.reserve(100), pytest.raises(ValidationError) as refused, budget.reserve(1, 0.05):
        pass
    assert refused.value.messages == [
        "Le serveur traite d\u2019autres photos : rien n\u2019est perdu, renvoyez celle-ci dans un instant."
    ]
    assert budget.free == 100


@pytest.fixture
def wide_photo(journalist):
    """A photo 1400 pixels wide, credited and described, with its renditions made."""

    def make(caption="Le pont des Deux-Rives") -> Photo:
        photo = store_photo(
            accept_upload(upload(encoded(picture((1400, 700))))),
            by=journalist,
            caption=caption,
            alt_text="Des coureurs sur un pont.",
            credit=PhotoCredit.objects.get_or_create(agency="Clairvue", photographer="Léa Moreau")[
                0
            ],
        )
        make_renditions(photo)
        return photo

    return make


def photo_block(photo):
    return ("photo", {"photo": photo})


def test_the_live_page_offers_each_photo_in_every_width_as_webp_and_jpeg(
    client, session, make_post, wide_photo
):
    photo = wide_photo()
    make_post(session, blocks=[photo_block(photo)])
    html = client.get(session.get_absolute_url()).content.decode()
    stem = photo.image.name.rsplit("/", 1)[-1].removesuffix(".jpg")
    webp = ", ".join(
        f"/media/renditions/{photo.created_at:%Y/%m}/{stem}-{w}.webp {w}w"
        for w in (320, 640, 960, 1280, 1400)
    )
    assert (
        f'<source type="image/webp" srcset="{webp}" sizes="(max-width: 44rem) 100vw, 44rem">'
        in html
    )
    assert f"{stem}-1400.jpg 1400w" in html
    assert f'src="/media/renditions/{photo.created_at:%Y/%m}/{stem}-960.jpg"' in html
    assert 'width="1400" height="700"' in html, "the browser keeps the photo's room while it loads"


def test_a_photo_whose_renditions_are_still_being_made_shows_its_original(
    client, session, make_post, make_photo
):
    photo = make_photo()
    make_post(session, blocks=[photo_block(photo)])
    html = client.get(session.get_absolute_url()).content.decode()
    assert f'<img src="{photo.image.url}"' in html
    assert "srcset" not in html


def test_photos_below_the_first_post_load_lazily_and_the_lead_photo_at_once(
    client, make_session, make_post, wide_photo
):
    session = make_session(lead_photo=wide_photo("La ligne de départ"))
    make_post(session, minutes=1, blocks=[photo_block(wide_photo("Au kilomètre 5"))])
    make_post(session, minutes=2, blocks=[photo_block(wide_photo("Au kilomètre 10"))])
    make_post(session, minutes=3, blocks=[photo_block(wide_photo("Au kilomètre 20"))])
    html = client.get(session.get_absolute_url()).content.decode()
    figures = {
        caption: html[html.rindex("<img", 0, html.index(caption)) : html.index(caption)]
        for caption in (
            "La ligne de départ",
            "Au kilomètre 20",
            "Au kilomètre 10",
            "Au kilomètre 5",
        )
    }
    assert 'fetchpriority="high"' in figures["La ligne de départ"]
    assert "lazy" not in figures["La ligne de départ"]
    assert "lazy" not in figures["Au kilomètre 20"], "the newest post is above the fold"
    assert 'loading="lazy"' in figures["Au kilomètre 10"]
    assert 'loading="lazy"' in figures["Au kilomètre 5"]


def test_the_live_page_query_count_does_not_grow_with_photos_and_renditions(
    client, make_session, make_post, wide_photo
):
    session = make_session(lead_photo=wide_photo("La ligne de départ"))

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(session.get_absolute_url()).status_code == 200
        return len(queries)

    make_post(session, blocks=[photo_block(wide_photo())])
    few = queries_for_page()
    for minutes in range(1, 4):
        make_post(
            session, minutes=minutes, blocks=[photo_block(wide_photo()), photo_block(wide_photo())]
        )
    assert queries_for_page() == few


def test_the_make_renditions_command_completes_photos_left_without_them(make_photo):
    photo = make_photo(size=(700, 350))
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert photo.renditions.count() == 6
    assert "1 photo(s)" in out.getvalue()
    call_command("make_renditions", stdout=out)
    assert photo.renditions.count() == 6


def test_readers_sent_a_post_before_its_renditions_existed_get_it_again_lighter(
    session, make_post, make_photo
):
    photo = make_photo(size=(1400, 700))
    post = make_post(session, blocks=[("photo", {"photo": photo})])
    update_header(session=session, by=None, lead_photo=photo)
    published = Event.objects.get(post=post, kind="post.published")
    assert "srcset" not in published.html
    make_renditions(photo)
    announce_renditions(photo)
    post_update, header_update = reversed(Event.objects.order_by("-seq")[:2])
    assert post_update.kind == "post.updated" and post_update.post == post
    assert 'type="image/webp" srcset="' in post_update.html
    assert header_update.kind == "session.updated"
    assert 'type="image/webp" srcset="' in header_update.html
    post.refresh_from_db()
    assert post.edited_at is None, "readers are not told the post was edited"


def test_a_16_bit_greyscale_scan_keeps_its_greys():
    scan = Image.new("I;16", (60, 40), 32_768)
    accepted = accept_upload(upload(encoded(scan, "PNG"), name="scan.png"))
    assert accepted.image.getpixel((10, 10)) == (128, 128, 128)
