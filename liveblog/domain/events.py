"""The event log: every change readers see, in order, with no gaps.

The delivery path is four steps: a domain function *records* an event here (same
transaction, next sequence number, its HTML *rendered once*); after commit the
event is *fanned out* to readers (liveblog.delivery.fanout, which subscribes with
`on_event_committed` when the app is ready: the domain does not name delivery); the
reader page *applies* it (static/liveblog/live.js). A reader who missed some asks for
`Event.objects.after(seq)` and gets exactly those, in order.

Nothing withdrawn stays in the log: when an event is recorded for a post, the HTML of
that post's earlier events is erased in the same transaction (`supersede_earlier`),
and a new header erases the earlier headers. Such an event keeps its seq, its kind and
its post's id, so the log stays gap-free and a reader still counts a publication; its
content is only in the post's latest event, which every reader behind it also gets.
"""

from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import translation

from liveblog.models import Event, LiveSession, Post

# The most HTML one event carries. The desk bounds a post's text far below this
# (liveblog.desk.composer.MAX_POST_CHARACTERS); a post that still renders bigger (many
# long embeds, an import) goes out as `too_large` without HTML, and readers load the page
# instead: daphne cannot send a frame over its --websocket-max-message-size (1 MiB), and a
# reader offered one would reconnect into it again and again.
MAX_EVENT_HTML_BYTES = 256 * 1024

_subscribers: list[Callable[[Event], None]] = []


def on_event_committed(callback: Callable[[Event], None]) -> None:
    """Have `callback(event)` called once each recorded event is committed."""
    if callback not in _subscribers:
        _subscribers.append(callback)


def record_event(
    session: LiveSession, kind: str, post: Post | None = None, *, first: bool = False
) -> Event:
    """Append the session's next event. Must run inside the transaction that made the change.
    `first`: the post was created in this very transaction, so it has no earlier event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change")
    # Rendered first, from this transaction's own writes: the post's HTML costs most of a
    # publish, and no other publisher of the live waits for it (see the lock below).
    html, data = event_content(session, kind, post)
    # The UPDATE takes the session row's write lock until commit, so concurrent
    # publishers queue here and sequence numbers come out gap-free and unique.
    session.last_seq = next_seq(session)
    event = Event(session=session, seq=session.last_seq, kind=kind, post=post)
    event.html, event.data = html, data
    if not first:
        supersede_earlier(session, kind, post)
    event.save()
    for callback in _subscribers:
        # Robust: a failed delivery is logged; the change itself is committed and in the log.
        transaction.on_commit(partial(callback, event), robust=True)
    return event


def next_seq(session: LiveSession) -> int:
    """Number the session's next event: one UPDATE … RETURNING (SQLite 3.35+, PostgreSQL)
    where the update and the read of the new number were two round trips."""
    connection = transaction.get_connection()
    if connection.vendor not in ("sqlite", "postgresql"):
        LiveSession.objects.filter(pk=session.pk).update(last_seq=F("last_seq") + 1)
        return LiveSession.objects.values_list("last_seq", flat=True).get(pk=session.pk)
    table, seq, pk = map(connection.ops.quote_name, (LiveSession._meta.db_table, "last_seq", "id"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {seq} = {seq} + 1 WHERE {pk} = %s RETURNING {seq}", [session.pk]
        )
        return cursor.fetchone()[0]


def event_content(session: LiveSession, kind: str, post: Post | None) -> tuple[str, dict]:
    """What an event carries: its HTML and data, or no HTML and `too_large` past the bound."""
    html, data = render_event(session, kind, post)
    if len(html.encode()) > MAX_EVENT_HTML_BYTES:
        return "", {**data, "too_large": True}
    return html, data


def superseded_marker(post_id: int | None) -> dict:
    """The data of an event whose content a later event replaced."""
    return {"superseded": True} if post_id is None else {"post": post_id, "superseded": True}


def supersede_earlier(session: LiveSession, kind: str, post: Post | None) -> int:
    """Erase the content of the events the one being recorded replaces: a deleted or corrected
    post's words (or an old headline) must not be replayed to anyone catching up."""
    if post is not None:
        earlier = Event.objects.filter(post=post)
        marker = superseded_marker(post.pk)
    elif kind == Event.Kind.SESSION_UPDATED:
        earlier = Event.objects.filter(session=session, kind=Event.Kind.SESSION_UPDATED)
        marker = superseded_marker(None)
    else:
        return 0
    # Deletions carry no content and stay as they are: readers count with them.
    carrying = Q(html__gt="") | Q(data__too_large=True)
    return earlier.filter(carrying).update(html="", data=marker)


def render_event(session: LiveSession, kind: str, post: Post | None) -> tuple[str, dict]:
    """The HTML fragment and the data a reader needs to apply one event, in the session's language."""
    with translation.override(session.language):
        if kind == Event.Kind.SESSION_UPDATED:
            html = render_to_string("liveblog/live.html#header", {"session": session})
            return html, {"status": session.status}
        data = {"post": post.pk}
        if kind == Event.Kind.POST_DELETED:
            return "", data
        # The post just written is in hand whole (see Post.for_display); others are read.
        post = post.for_display()
        post.session = session
        html = render_to_string("liveblog/live.html#post", {"post": post, "session": session})
        return html, {**data, "pinned": post.pinned, "sort": sort_key(post)}


def sort_key(post: Post) -> str:
    """Orders posts newest first when compared as strings (the reader page inserts by it)."""
    return f"{post.published_at:%Y%m%d%H%M%S%f}-{post.pk:012d}"
