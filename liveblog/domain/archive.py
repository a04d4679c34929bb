"""A live session as one JSON archive, and back.

The archive is the newsroom's copy, not a public one: it also holds the desk's private
notes (`notes`), which no reader ever sees.

The archive holds the session's fields (its planned start and end and the rubrics it
offers included), its posts with their blocks and revisions, its event log (seq, kind,
data and the HTML readers received), and references to its photos (files in MEDIA_ROOT,
with caption, alt text, credit and renditions); people and rubrics are named, not
numbered. Posts and photos keep their ids: the event log's HTML and the
revisions point at them, so an import into an empty database recreates the live exactly
and an import that would need other ids is refused. Polls (question, choices, votes,
closing time) are numbered within the archive and get this database's next numbers, which
the imported blocks and revisions then point at. Readers' questions come back with their
decision and the post that answered them.

The import writes through the domain's functions where one fits (the staff, desk notes,
the audit entry); where the archive's ids, times and event log must be kept as they were,
it writes the records itself, each place saying why.
"""

import json
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from liveblog.domain.archive_checks import ArchiveError, check_archive
from liveblog.domain.audit import record_change
from liveblog.domain.events import event_content, superseded_marker
from liveblog.domain.lives import assign_journalists
from liveblog.domain.notes import post_note
from liveblog.models import (
    Block,
    DeskNote,
    Event,
    LiveSession,
    Photo,
    PhotoCredit,
    PhotoRendition,
    Poll,
    PollChoice,
    Post,
    Question,
    Revision,
    Rubric,
)

FORMAT = "newsroom-liveblog/session"
VERSION = 1
SESSION_FIELDS = [
    "slug",
    "headline",
    "standfirst",
    "language",
    "status",
    "scheduled_for",
    "started_at",
    "ended_at",
    "archived_at",
    "credits",
    "last_seq",
]
POST_FIELDS = ["title", "status", "published_at", "edited_at", "pinned", "key_event", "version"]
BLOCK_FIELDS = ["kind", "text", "attribution", "url", "link_kind", "link_title"]


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def username(user) -> str | None:
    return user.get_username() if user else None


def export_session(session: LiveSession) -> dict:
    """The session as one archive, in a number of queries that does not grow with it."""
    blocks = Prefetch("blocks", queryset=Block.objects.order_by("position"))
    posts = list(
        session.posts.select_related("author", "rubric").prefetch_related(blocks).order_by("id")
    )
    revisions = list(
        Revision.objects.filter(post__session=session)
        .select_related("author")
        .order_by("post_id", "version")
    )
    photo_ids = {block.photo_id for post in posts for block in post.blocks.all() if block.photo_id}
    for revision in revisions:
        photo_ids |= {block["photo"] for block in revision.blocks if block.get("photo")}
    if session.lead_photo_id:
        photo_ids.add(session.lead_photo_id)
    renditions = Prefetch("renditions", queryset=PhotoRendition.objects.order_by("format", "width"))
    photos = list(
        Photo.objects.filter(pk__in=photo_ids)
        .select_related("credit", "uploaded_by")
        .prefetch_related(renditions)
        .order_by("id")
    )
    journalists = list(session.journalists.all())
    people = {post.author for post in posts} | set(journalists)
    people |= {revision.author for revision in revisions if revision.author}
    people |= {photo.uploaded_by for photo in photos if photo.uploaded_by}
    notes = list(DeskNote.objects.filter(session=session).select_related("author").order_by("id"))
    people |= {note.author for note in notes if note.author}
    questions = list(session.questions.select_related("decided_by").order_by("id"))
    people |= {question.decided_by for question in questions if question.decided_by}
    poll_ids = {block.poll_id for post in posts for block in post.blocks.all() if block.poll_id}
    for revision in revisions:
        poll_ids |= {block["poll"] for block in revision.blocks if block.get("poll")}
    choices = Prefetch("choices", queryset=PollChoice.objects.order_by("position"))
    polls = Poll.objects.filter(pk__in=poll_ids).prefetch_related(choices).order_by("id")
    by_post = {}
    for revision in revisions:
        by_post.setdefault(revision.post_id, []).append(revision_data(revision))
    return {
        "format": FORMAT,
        "version": VERSION,
        "session": {
            **{name: json_value(getattr(session, name)) for name in SESSION_FIELDS},
            "summary": session.summary,
            "accepts_questions": session.accepts_questions,
            "scheduled_end": when(session.scheduled_end),
            "lead_photo": session.lead_photo_id,
            "journalists": sorted(username(user) for user in journalists),
            "rubrics": list(session.rubrics.order_by("key").values_list("name", flat=True)),
        },
        "people": [person_data(person) for person in sorted(people, key=username)],
        "photos": [photo_data(photo) for photo in photos],
        "polls": [poll_data(poll) for poll in polls],
        "posts": [post_data(post, by_post.get(post.pk, [])) for post in posts],
        "events": [event_data(event) for event in session.events.order_by("seq")],
        "notes": [note_data(note) for note in notes],
        "questions": [question_data(question) for question in questions],
    }


def poll_data(poll: Poll) -> dict:
    return {
        "id": poll.pk,
        "question": poll.question,
        "closes_at": when(poll.closes_at),
        "created_at": when(poll.created_at),
        "closing_announced": poll.closing_announced,
        "choices": [
            {"label": choice.label, "votes": choice.votes} for choice in poll.choices.all()
        ],
    }


def question_data(question) -> dict:
    return {
        "text": question.text,
        "name": question.name,
        "status": question.status,
        "sent_at": when(question.created_at),
        "answer": question.answer_id,
        "decided_by": username(question.decided_by),
        "decided_at": when(question.decided_at),
    }


def json_value(value):
    return when(value) if isinstance(value, datetime) else value


def person_data(user) -> dict:
    return {"username": username(user), "first_name": user.first_name, "last_name": user.last_name}


def photo_data(photo: Photo) -> dict:
    credit = photo.credit
    return {
        "id": photo.pk,
        "file": photo.image.name,
        "width": photo.width,
        "height": photo.height,
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "credit": {"photographer": credit.photographer, "agency": credit.agency, "via": credit.via}
        if credit
        else None,
        "uploaded_by": username(photo.uploaded_by),
        "created_at": when(photo.created_at),
        "renditions": [
            {"width": r.width, "height": r.height, "format": r.format, "file": r.file.name}
            for r in photo.renditions.all()
        ],
    }


def post_data(post: Post, revisions: list[dict]) -> dict:
    return {
        "id": post.pk,
        "author": username(post.author),
        "rubric": post.rubric.name if post.rubric else None,
        **{name: json_value(getattr(post, name)) for name in POST_FIELDS},
        "status_before_delete": post.status_before_delete,
        "correction": post.correction,
        # The review queue's state (liveblog.domain.review); absent from older archives.
        "submitted_at": when(post.submitted_at),
        "review_note": post.review_note,
        "created_at": when(post.created_at),
        "updated_at": when(post.updated_at),
        "blocks": [
            {
                **{name: getattr(block, name) for name in BLOCK_FIELDS},
                "photo": block.photo_id,
                "poll": block.poll_id,
            }
            for block in post.blocks.all()
        ],
        "revisions": revisions,
    }


def revision_data(revision: Revision) -> dict:
    return {
        "version": revision.version,
        "author": username(revision.author),
        "created_at": when(revision.created_at),
        "title": revision.title,
        "rubric": revision.rubric,
        "blocks": revision.blocks,
        "correction": revision.correction,
    }


def note_data(note: DeskNote) -> dict:
    return {
        "author": username(note.author),
        "post": note.post_id,
        "text": note.text,
        "created_at": when(note.created_at),
    }


def event_data(event: Event) -> dict:
    return {
        "seq": event.seq,
        "kind": event.kind,
        "post": event.post_id,
        "data": event.data,
        "html": event.html,
        "created_at": when(event.created_at),
    }


def dumps(archive: dict) -> str:
    return json.dumps(archive, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_archive(text: str) -> dict:
    try:
        archive = json.loads(text)
    except RecursionError as error:
        raise ArchiveError(
            _("This archive is nested too deeply to be a live's archive.")
        ) from error
    except ValueError as error:
        message = _("This file is not a JSON archive: %(error)s") % {"error": error}
        raise ArchiveError(message) from error
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise ArchiveError(_("This file is not a live session archive."))
    if archive.get("version") != VERSION:
        raise ArchiveError(
            _("This archive's version (%(version)s) cannot be read here.")
            % {"version": archive.get("version")}
        )
    return archive


def import_session(archive: dict, *, by=None) -> LiveSession:
    """Recreate the archive's session, all of it or nothing (ArchiveError says why)."""
    try:
        with transaction.atomic():
            session = build_session(archive, by=by)
    except ArchiveError:
        raise
    except ValidationError as error:
        problems = "; ".join(error.messages)[:500]
        raise ArchiveError(
            _(
                "This archive holds values the app does not accept (%(problems)s). Nothing was imported."
            )
            % {"problems": problems}
        ) from error
    except (
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        OverflowError,
        RecursionError,
        IntegrityError,
        DatabaseError,
    ) as error:
        raise ArchiveError(
            _("This archive is malformed, nothing was imported: %(error)r") % {"error": error}
        ) from error
    return session


def build_session(archive: dict, *, by) -> LiveSession:
    check_archive(archive)
    fields = archive["session"]
    slug = fields["slug"]
    if LiveSession.objects.filter(slug=slug).exists():
        raise ArchiveError(
            _("A live with the slug “%(slug)s” already exists: nothing was imported.")
            % {"slug": slug}
        )
    taken = Post.objects.filter(pk__in=[post["id"] for post in archive["posts"]])
    if taken.exists():
        raise ArchiveError(
            _(
                "This database already has posts with this archive's numbers: import it "
                "into an empty database. Nothing was imported."
            )
        )
    people = {person["username"]: person_for(person) for person in archive["people"]}
    photos = {photo["id"]: photo_for(photo, people) for photo in archive["photos"]}
    # Archives made before polls, questions or desk notes existed have none.
    polls = {poll["id"]: poll_for(poll) for poll in archive.get("polls", [])}
    # Not create_live: the archive's status, times and event counter are kept as they were,
    # where create_live starts a new scheduled live with an event of its own.
    session = LiveSession(
        **{name: moment(name, fields[name]) for name in SESSION_FIELDS},
        # Archives made before the summary existed have none.
        summary=fields.get("summary", ""),
        accepts_questions=fields.get("accepts_questions", False),
        # Archives made before a live had a planned end or its own rubrics have neither.
        scheduled_end=moment("scheduled_end", fields.get("scheduled_end")),
        lead_photo=photos[fields["lead_photo"]] if fields["lead_photo"] else None,
    )
    session.full_clean()
    session.save()
    assign_journalists(live=session, by=by, people=[people[name] for name in fields["journalists"]])
    # Not offer_rubric, which respells a rubric the whole newsroom shares as it was last typed:
    # an archive's spelling names the rubric; it does not rename it in every other live.
    session.rubrics.set([Rubric.named(name) for name in fields.get("rubrics", [])])
    posts = {
        post["id"]: create_post(session, post, people, photos, polls) for post in archive["posts"]
    }
    create_events(session, archive["events"])
    for note in archive.get("notes", []):
        create_note(session, note, people, posts)
    for question in archive.get("questions", []):
        create_question(session, question, people, posts)
    reset_id_sequences()
    detail = {name: len(archive.get(name, [])) for name in ("posts", "polls", "questions")}
    record_change("session.imported", by=by, session=session, detail=detail)
    return session


def create_events(session: LiveSession, events: list[dict]) -> None:
    """The archive's event log, numbered as it was, with its content rendered again from the
    imported posts: the latest event of each post (and the latest header) carries what
    readers see now, the earlier ones are superseded, as in a log written here. Not
    record_event, which numbers a new event after the last one and tells delivery: these
    keep their numbers, which readers' catch-up positions refer to, and nobody is told."""
    latest = {}
    for event in events:
        latest[event["post"]] = event["seq"]
    posts = {post.pk: post for post in session.posts.all()}
    for event in events:
        kind, post = event["kind"], posts.get(event["post"])
        if kind == Event.Kind.POST_DELETED:
            html, data = "", {"post": post.pk}
        elif latest[event["post"]] != event["seq"] or (post and not post.is_published):
            html, data = "", superseded_marker(event["post"])
        else:
            html, data = event_content(session, kind, post)
        created = Event.objects.create(
            session=session, seq=event["seq"], kind=kind, post=post, data=data, html=html
        )
        Event.objects.filter(pk=created.pk).update(created_at=parse_datetime(event["created_at"]))


def moment(name: str, value):
    if name.endswith(("_at", "_for", "_end")) and value is not None:
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"{name}: {value!r} is not a date and time")
        return parsed
    return value


def person_for(person: dict):
    """The account with this username; created without a password (nobody can log in as
    it until an admin sets one) if this database does not know it. Written here: accounts
    are the admin's, no domain function creates one."""
    user, created = get_user_model().objects.get_or_create(
        username=person["username"],
        defaults={"first_name": person["first_name"], "last_name": person["last_name"]},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def photo_for(data: dict, people: dict) -> Photo:
    """The library's photo with the archive's id if it is the same file, else a new record.
    Written here: the desk's upload makes a photo (and its renditions) from a new file, and
    credit_named reads a credit from its label; the archive's photo keeps its number, its
    files already made and its credit as recorded."""
    existing = Photo.objects.filter(pk=data["id"]).first()
    if existing:
        if existing.image.name != data["file"]:
            raise ArchiveError(
                _(
                    "Photo %(id)s of this archive is another photo in this database: import "
                    "it into an empty database. Nothing was imported."
                )
                % {"id": data["id"]}
            )
        return existing
    credit = None
    if data["credit"]:
        names = {name: data["credit"][name] for name in ("photographer", "agency", "via")}
        credit = PhotoCredit.objects.filter(**names).first()
        if credit is None:
            credit = PhotoCredit(**names)
            credit.full_clean()
            credit.save()
    # The file is already in MEDIA_ROOT: the record points at it, with its known size.
    photo = Photo(
        pk=data["id"],
        width=data["width"],
        height=data["height"],
        image=data["file"],
        caption=data["caption"],
        alt_text=data["alt_text"],
        credit=credit,
        uploaded_by=people.get(data["uploaded_by"]),
    )
    # The file's name was checked with the archive (archive_checks.media_path); the file
    # itself may not be copied yet.
    photo.full_clean(exclude=["image"], validate_unique=False)
    photo.save(force_insert=True)
    Photo.objects.filter(pk=photo.pk).update(created_at=parse_datetime(data["created_at"]))
    for rendition in data["renditions"]:
        fields = {name: rendition[name] for name in ("width", "height", "format", "file")}
        made = PhotoRendition(photo=photo, **fields)
        made.full_clean(exclude=["file"], validate_unique=False)
        made.save()
    return photo


def create_note(session: LiveSession, data: dict, people: dict, posts: dict) -> DeskNote:
    note = post_note(
        session=session,
        author=people[data["author"]] if data["author"] else None,
        text=data["text"],
        post=posts[data["post"]] if data["post"] else None,
    )
    DeskNote.objects.filter(pk=note.pk).update(created_at=parse_datetime(data["created_at"]))
    return note


def create_question(session: LiveSession, data: dict, people: dict, posts: dict) -> Question:
    """Written here: ask_question takes a reader's question now, within the rate limits of a
    running live, and answer_question publishes a new post; an archived question was already
    asked and decided, and its answer is one of the archive's posts."""
    question = Question(
        session=session,
        text=data["text"],
        name=data["name"],
        status=data["status"],
        created_at=moment("sent_at", data["sent_at"]),
        answer=posts[data["answer"]] if data["answer"] else None,
        decided_by=people[data["decided_by"]] if data["decided_by"] else None,
        decided_at=moment("decided_at", data["decided_at"]),
    )
    question.full_clean()
    question.save()
    return question


def poll_for(data: dict) -> Poll:
    """A new poll with the archive's question, choices, votes and closing time. Written here:
    create_poll_post publishes a new post around a poll still to come, with no votes."""
    poll = Poll(
        question=data["question"],
        closes_at=moment("closes_at", data["closes_at"]),
        closing_announced=data["closing_announced"],
    )
    poll.full_clean()
    poll.save()
    Poll.objects.filter(pk=poll.pk).update(created_at=parse_datetime(data["created_at"]))
    for position, choice in enumerate(data["choices"]):
        made = PollChoice(
            poll=poll, position=position, label=choice["label"], votes=choice["votes"]
        )
        made.full_clean(validate_unique=False)
        made.save()
    return poll


def create_post(session: LiveSession, data: dict, people: dict, photos: dict, polls: dict) -> Post:
    """Written here, not by save_post and publish_post: the post keeps its number, status,
    times and revisions, and its events are the archive's own (create_events)."""
    post = Post(
        pk=data["id"],
        session=session,
        author=people[data["author"]],
        rubric=Rubric.named(data["rubric"]) if data["rubric"] else None,
        **{name: moment(name, data[name]) for name in POST_FIELDS},
        status_before_delete=data.get("status_before_delete", status_before_delete(data)),
        correction=data.get("correction", ""),  # archives before notes were kept have none
        submitted_at=moment("submitted_at", data.get("submitted_at")),
        review_note=data.get("review_note", ""),
    )
    post.full_clean(validate_unique=False)
    post.save(force_insert=True)
    Post.objects.filter(pk=post.pk).update(
        created_at=parse_datetime(data["created_at"]),
        updated_at=parse_datetime(data["updated_at"]),
    )
    for position, block in enumerate(data["blocks"]):
        photo = photos[block["photo"]] if block["photo"] else None
        poll = polls[block["poll"]] if block.get("poll") else None
        fields = {name: block[name] for name in BLOCK_FIELDS}
        made = Block(post=post, position=position, photo=photo, poll=poll, **fields)
        made.full_clean(validate_unique=False)
        made.save()
    # Not snapshot, which keeps the post's present content: these are its past versions.
    for revision in data["revisions"]:
        Revision.objects.create(
            post=post,
            version=revision["version"],
            author=people.get(revision["author"]),
            created_at=parse_datetime(revision["created_at"]),
            title=revision["title"],
            rubric=revision["rubric"],
            blocks=[renumbered(block, polls) for block in revision["blocks"]],
            correction=revision.get("correction", "")[:300],  # the column's size
        )
    return post


def renumbered(block: dict, polls: dict) -> dict:
    """A revision's block pointing at its poll's number in this database."""
    if not block.get("poll"):
        return block
    poll = polls.get(block["poll"])
    return block | {"poll": poll.pk if poll else None}


def status_before_delete(data: dict) -> str:
    """What an archive written before posts remembered it says an undo brings back."""
    if data["status"] != Post.Status.DELETED:
        return ""
    return Post.Status.PUBLISHED if data["published_at"] else Post.Status.DRAFT


def reset_id_sequences() -> None:
    """PostgreSQL's id counters move past the ids written here (SQLite's do by themselves)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Post, Photo])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
