"""What an archive must be before anything of it is written (liveblog.domain.archive).

An archive is a file from outside: every field is checked here for its type, its range
and its references, file paths must stay inside the media folder, and the event log must
be numbered 1 to `last_seq` without gaps. The models then validate each record as a form
would (`full_clean`), and the events' HTML is rendered again from the imported posts,
never taken from the file.
"""

import posixpath

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from liveblog.models import Event, PhotoRendition, Question

# Ids, sequence numbers, sizes: within a 64-bit column, and JSON's exact integers.
LARGEST = 2**53


class ArchiveError(Exception):
    """The archive cannot be imported; the message says why, and nothing was written."""


def refuse(message: str, **params) -> ArchiveError:
    return ArchiveError(
        _("%(problem)s Nothing was imported.")
        % {"problem": message % params if params else message}
    )


def number(value, where: str, low: int = 0, high: int = LARGEST) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise refuse(
            _("%(where)s must be a whole number from %(low)s to %(high)s, not %(value)s."),
            where=where,
            low=low,
            high=high,
            value=repr(value)[:40],
        )
    return value


def text(value, where: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return value
    if not isinstance(value, str):
        raise refuse(_("%(where)s must be text."), where=where)
    return value


def listed(value, where: str) -> list:
    if not isinstance(value, list):
        raise refuse(_("%(where)s must be a list."), where=where)
    for item in value:
        if not isinstance(item, dict) and where != "journalists":
            raise refuse(_("Every entry of %(where)s must be an object."), where=where)
    return value


def media_path(value, where: str, folder: str) -> str:
    """A file name inside MEDIA_ROOT's `folder`: relative, without `..`, as the app names them."""
    name = text(value, where)
    if (
        not name.startswith(folder + "/")
        or posixpath.normpath(name) != name
        or any(part in ("", ".", "..") for part in name.split("/"))
        or "\\" in name
        or "\0" in name
        or len(name) > 100
    ):
        raise refuse(
            _("%(where)s names the file “%(name)s”, which is not a photo file of this app."),
            where=where,
            name=name[:80],
        )
    return name


def check_archive(archive: dict) -> None:
    """Refuse (ArchiveError) any archive that is not what export_session writes."""
    session = archive["session"]
    if not isinstance(session, dict):
        raise refuse(_("The archive's session must be an object."))
    slug = text(session["slug"], "slug")
    try:
        validate_slug(slug)
        if len(slug) > 120:
            raise ValidationError("too long")
    except ValidationError as error:
        raise refuse(
            _(
                "The live's address “%(slug)s” is not valid: use at most 120 letters, digits, "
                "hyphens and underscores."
            ),
            slug=slug[:80],
        ) from error
    usernames = check_people(listed(archive["people"], "people"))
    photo_ids = check_photos(listed(archive["photos"], "photos"))
    # Archives made before polls, questions or desk notes existed have none.
    poll_ids = check_polls(listed(archive.get("polls", []), "polls"))
    post_ids = check_posts(listed(archive["posts"], "posts"), usernames, photo_ids, poll_ids)
    check_questions(listed(archive.get("questions", []), "questions"), usernames, post_ids)
    check_notes(listed(archive.get("notes", []), "notes"), usernames, post_ids)
    for name in listed(session["journalists"], "journalists"):
        if name not in usernames:
            raise refuse(
                _("The journalist “%(name)s” is not among the archive's people."),
                name=str(name)[:80],
            )
    if session["lead_photo"] is not None and session["lead_photo"] not in photo_ids:
        raise refuse(_("The lead photo is not among the archive's photos."))
    check_events(
        listed(archive["events"], "events"), number(session["last_seq"], "last_seq"), post_ids
    )


def check_people(people: list[dict]) -> set[str]:
    validator = get_user_model().username_validator
    usernames = set()
    for person in people:
        name = text(person["username"], "username")
        try:
            validator(name)
        except ValidationError as error:
            raise refuse(_("The username “%(name)s” is not valid."), name=name[:80]) from error
        if not 0 < len(name) <= 150:
            raise refuse(_("The username “%(name)s” is not valid."), name=name[:80])
        text(person["first_name"], "first_name")
        text(person["last_name"], "last_name")
        usernames.add(name)
    return usernames


def check_photos(photos: list[dict]) -> set[int]:
    ids = set()
    for photo in photos:
        ids.add(number(photo["id"], "photo id", 1))
        media_path(photo["file"], f"photo {photo['id']}", "photos")
        number(photo["width"], "photo width", 1, 100_000)
        number(photo["height"], "photo height", 1, 100_000)
        if photo["credit"] is not None and not isinstance(photo["credit"], dict):
            raise refuse(_("A photo's credit must be an object."))
        for rendition in listed(photo["renditions"], "renditions"):
            media_path(rendition["file"], f"photo {photo['id']}", "renditions")
            number(rendition["width"], "rendition width", 1, 100_000)
            number(rendition["height"], "rendition height", 1, 100_000)
            if rendition["format"] not in PhotoRendition.Format.values:
                raise refuse(_("A rendition's format is not one the app makes."))
    return ids


def check_polls(polls: list[dict]) -> set[int]:
    ids = set()
    for poll in polls:
        ids.add(number(poll["id"], "poll id", 1))
        text(poll["question"], "poll question")
        text(poll["closes_at"], "poll closes_at")
        text(poll["created_at"], "poll created_at")
        if not isinstance(poll["closing_announced"], bool):
            raise refuse(_("%(where)s must be true or false."), where="closing_announced")
        choices = listed(poll["choices"], "poll choices")
        if not 2 <= len(choices) <= 6:
            raise refuse(_("Poll %(id)s must have from 2 to 6 choices."), id=poll["id"])
        for choice in choices:
            text(choice["label"], "poll choice")
            number(choice["votes"], "votes")
    if len(ids) != len(polls):
        raise refuse(_("Two polls of the archive have the same number."))
    return ids


def check_posts(
    posts: list[dict], usernames: set[str], photo_ids: set[int], poll_ids: set[int]
) -> set[int]:
    ids = set()
    shown_polls = []
    for post in posts:
        ids.add(number(post["id"], "post id", 1))
        if post["author"] not in usernames:
            raise refuse(
                _("The author of post %(id)s is not among the archive's people."), id=post["id"]
            )
        number(post["version"], "version", 1, 1_000_000)
        text(post["rubric"], "rubric", optional=True)
        for block in listed(post["blocks"], "blocks"):
            if block["photo"] is not None and block["photo"] not in photo_ids:
                raise refuse(
                    _("Post %(id)s shows a photo that is not in the archive."), id=post["id"]
                )
            poll = block.get("poll")
            if (poll is not None or block["kind"] == "poll") and poll not in poll_ids:
                raise refuse(
                    _("Post %(id)s shows a poll that is not in the archive."), id=post["id"]
                )
            shown_polls += [poll] if poll is not None else []
        for revision in listed(post["revisions"], "revisions"):
            number(revision["version"], "revision version", 1, 1_000_000)
            for block in listed(revision["blocks"], "revision blocks"):
                if block.get("poll") is not None and block["poll"] not in poll_ids:
                    raise refuse(
                        _("Post %(id)s shows a poll that is not in the archive."), id=post["id"]
                    )
    if len(ids) != len(posts):
        raise refuse(_("Two posts of the archive have the same number."))
    if len(set(shown_polls)) != len(shown_polls):
        raise refuse(_("A poll of the archive shows in two places."))
    return ids


def check_questions(questions: list[dict], usernames: set[str], post_ids: set[int]) -> None:
    for question in questions:
        text(question["text"], "question")
        text(question["name"], "question name")
        text(question["sent_at"], "question sent_at")
        text(question["decided_at"], "question decided_at", optional=True)
        if question["status"] not in Question.Status.values:
            raise refuse(_("A reader's question has an unknown status."))
        if question["answer"] is not None and question["answer"] not in post_ids:
            raise refuse(_("A reader's question is answered by a post that is not in the archive."))
        if question["decided_by"] is not None and question["decided_by"] not in usernames:
            raise refuse(_("Who decided on a reader's question is not among the archive's people."))


def check_notes(notes: list[dict], usernames: set[str], post_ids: set[int]) -> None:
    for note in notes:
        text(note["text"], "note")
        if note["post"] is not None and note["post"] not in post_ids:
            raise refuse(_("A desk note is about a post that is not in the archive."))
        if note["author"] is not None and note["author"] not in usernames:
            raise refuse(_("The author of a desk note is not among the archive's people."))


def check_events(events: list[dict], last_seq: int, post_ids: set[int]) -> None:
    seqs = [number(event["seq"], "seq", 1) for event in events]
    if seqs != list(range(1, last_seq + 1)):
        raise refuse(
            _("The event log must be numbered 1 to last_seq (%(last_seq)s) without gaps."),
            last_seq=last_seq,
        )
    for event in events:
        kind, post = event["kind"], event["post"]
        if kind not in Event.Kind.values:
            raise refuse(_("Event %(seq)s is of an unknown kind."), seq=event["seq"])
        is_session_event = kind == Event.Kind.SESSION_UPDATED
        if (post is None) != is_session_event or (post is not None and post not in post_ids):
            raise refuse(
                _("Event %(seq)s is about a post that is not in the archive."), seq=event["seq"]
            )
