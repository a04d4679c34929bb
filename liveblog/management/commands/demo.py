"""`python manage.py demo`: demo sessions, posts, photos and accounts. Running it twice changes nothing."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from liveblog.demo.content import (
    ACCOUNTS,
    CONTRIBUTIONS,
    CREDITS,
    DEMO_PASSWORD,
    NEWSROOM,
    PHOTOS,
    SESSIONS,
    SUMMARIES,
)
from liveblog.demo.images import demo_image, demo_logo
from liveblog.domain.posts import delete_post, publish_post, record_edit, schedule_post, set_pinned
from liveblog.domain.review import submit_for_review
from liveblog.domain.sessions import end_session, start_session
from liveblog.models import Block, Branding, LiveSession, Photo, PhotoCredit, Post, Rubric
from liveblog.photos.renditions import make_renditions


class Command(BaseCommand):
    help = "Load the demo content (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        users = ensure_accounts()
        ensure_branding()
        created = []
        for spec in SESSIONS:
            if not LiveSession.objects.filter(slug=spec["slug"]).exists():
                with transaction.atomic():
                    build_session(spec, users)
                created.append(spec["slug"])
        if created:
            self.stdout.write(f"Demo sessions created: {', '.join(created)}")
        else:
            self.stdout.write("Demo content already there: nothing changed.")
        self.stdout.write("Demo logins (for the demo only, never in production):")
        for username, *_rest in ACCOUNTS:
            self.stdout.write(f"  {username} / {DEMO_PASSWORD}")


def ensure_accounts() -> dict:
    users = {}
    for username, group, is_staff, is_superuser, first, last in ACCOUNTS:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": is_staff,
                "is_superuser": is_superuser,
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if group:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
        users[username] = user
    return users


def ensure_branding() -> None:
    """The demo's fictional newsroom, unless an admin has set one already."""
    if Branding.objects.exists():
        return
    branding = Branding(**NEWSROOM)
    branding.logo.save("logo.png", demo_logo(NEWSROOM["name"], NEWSROOM["colour"]), save=False)
    branding.full_clean()
    branding.save()


def build_session(spec: dict, users: dict) -> LiveSession:
    now = timezone.now().replace(second=0, microsecond=0)
    session = LiveSession.objects.create(
        slug=spec["slug"],
        language=spec["language"],
        headline=spec["headline"],
        standfirst=spec["standfirst"],
        credits=spec["credits"],
        summary=SUMMARIES.get(spec["slug"], ""),
    )
    session.journalists.add(users["journaliste"], users["editeur"])
    photos = {}
    if spec["lead"]:
        session.lead_photo = photos.setdefault(spec["lead"], make_photo(spec["lead"], users))
        session.save()
    if spec["status"] == "scheduled":
        session.scheduled_for = now + timedelta(hours=spec["starts_in_hours"])
        session.save()
        return session
    if "started" in spec:
        started = datetime.fromisoformat(spec["started"])
    else:
        started = now - timedelta(hours=spec["started_hours_ago"])
    start_session(session=session, by=users["editeur"], at=started)
    for number, post_spec in enumerate(spec["posts"]):
        author = users["journaliste"] if number % 3 else users["editeur"]
        build_post(session, post_spec, author, started, photos, users)
    if spec["status"] == "ended":
        end_session(session=session, by=users["editeur"], at=datetime.fromisoformat(spec["ended"]))
    for contribution in CONTRIBUTIONS.get(spec["slug"], []):
        send_for_review(session, contribution, users["correspondant"])
    return session


def send_for_review(session, spec, contributor) -> Post:
    session.journalists.add(contributor)
    post = Post.objects.create(
        session=session,
        author=contributor,
        title=spec["title"],
        rubric=Rubric.named(spec["rubric"]),
    )
    Block.objects.create(post=post, position=0, kind=Block.Kind.PARAGRAPH, text=spec["text"])
    submit_for_review(post=post, by=contributor)
    return post


def build_post(session, spec, author, started, photos, users) -> Post:
    at = started + timedelta(minutes=spec["minutes"])
    post = Post.objects.create(
        session=session,
        author=author,
        title=spec["title"],
        rubric=Rubric.named(spec["rubric"]),
        key_event=spec.get("key", False),
    )
    for position, block in enumerate(spec["blocks"]):
        kind, *fields = block
        Block.objects.create(
            post=post, position=position, **block_fields(kind, fields, photos, users)
        )
    status = spec.get("status", "published")
    if status == "scheduled":
        schedule_post(post=post, at=at, by=author)
    elif status in ("published", "deleted"):
        publish_post(post=post, by=author, at=at)
        if spec.get("pinned"):
            set_pinned(post=post, pinned=True, by=users["editeur"])
        if "edited_after" in spec:
            record_edit(post=post, by=author)
            Post.objects.filter(pk=post.pk).update(
                edited_at=at + timedelta(minutes=spec["edited_after"])
            )
        if status == "deleted":
            delete_post(post=post, by=users["editeur"])
    return post


def block_fields(kind: str, fields: list, photos: dict, users: dict) -> dict:
    match kind:
        case "p":
            return {"kind": Block.Kind.PARAGRAPH, "text": fields[0]}
        case "photo":
            photo = photos.setdefault(fields[0], make_photo(fields[0], users))
            return {"kind": Block.Kind.PHOTO, "photo": photo}
        case "quote":
            return {"kind": Block.Kind.QUOTE, "text": fields[0], "attribution": fields[1]}
        case "embed":
            return {"kind": Block.Kind.EMBED, "url": fields[0], "text": fields[1]}
        case "link":
            return {
                "kind": Block.Kind.LINK,
                "link_kind": fields[0],
                "link_title": fields[1],
                "url": fields[2],
            }
    raise ValueError(f"unknown demo block kind {kind!r}")


def make_photo(key: str, users: dict) -> Photo:
    caption, alt, credit_key, colours = PHOTOS[key]
    credit, _created = PhotoCredit.objects.get_or_create(**CREDITS[credit_key])
    seed = sum(map(ord, key))
    photo = Photo.objects.create(
        image=demo_image(key, colours, seed),
        caption=caption,
        alt_text=alt,
        credit=credit,
        uploaded_by=users["journaliste"],
    )
    # At once, not after commit: the demo's pages serve the sizes a real live would.
    make_renditions(photo)
    return photo
