"""Who may do what on the desk. Every desk view asks here, server-side.

Roles are groups: `contributors` write in the sessions they are assigned to but only
send their posts for review (an editor publishes them); `journalists` write in the
sessions they are assigned to and edit their own posts; `editors` do anything within
any session; superusers (admins) do everything, including assigning people to sessions
in the admin. Someone in several groups has the highest of their roles.
"""

from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from liveblog.models import LiveSession, Photo, Post

JOURNALISTS = "journalists"
EDITORS = "editors"
CONTRIBUTORS = "contributors"

type AnyUser = User | AnonymousUser


def group_names(user: AnyUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_desk_groups"):
        user._desk_groups = set(user.groups.values_list("name", flat=True))
    return user._desk_groups


def is_editor(user: AnyUser) -> bool:
    """Editors and admins: every session, every post, the session's controls."""
    return user.is_authenticated and (user.is_superuser or EDITORS in group_names(user))


def is_contributor(user: AnyUser) -> bool:
    """Contributors only: correspondents, stringers, guest experts, whose posts an editor
    checks before they go out. A journalist or editor who is also in the group is not one."""
    if not user.is_authenticated or is_editor(user):
        return False
    groups = group_names(user)
    return CONTRIBUTORS in groups and JOURNALISTS not in groups


def uses_desk(user: AnyUser) -> bool:
    return is_editor(user) or bool({JOURNALISTS, CONTRIBUTORS} & group_names(user))


def desk_sessions(user: AnyUser):
    """The sessions listed on someone's desk: all for editors, their assignments otherwise."""
    sessions = LiveSession.objects.exclude(status=LiveSession.Status.ARCHIVED)
    if is_editor(user):
        return sessions
    if uses_desk(user):
        return sessions.filter(journalists=user)
    return sessions.none()


def can_write_in(user: AnyUser, session: LiveSession) -> bool:
    if is_editor(user):
        return True
    if not uses_desk(user):
        return False
    if getattr(session, "_assigned_user", None) == user.pk:
        return session._assigned  # Read with the live (`live_for`).
    return session.journalists.filter(pk=user.pk).exists()


def live_for(user: AnyUser, **lookup) -> LiveSession:
    """The live matching `lookup` (LiveSession.DoesNotExist if none), read in one query with
    what the checks above need to know of `user`: their groups and whether they are assigned
    to it. Every desk request starts here; this was three queries."""
    if not user.is_authenticated:
        return LiveSession.objects.get(**lookup)
    groups = Group.objects.filter(user=user.pk)
    assigned = LiveSession.journalists.through.objects.filter(
        livesession_id=OuterRef("pk"), user_id=user.pk
    )
    session = LiveSession.objects.annotate(
        _editor=Exists(groups.filter(name=EDITORS)),
        _journalist=Exists(groups.filter(name=JOURNALISTS)),
        _contributor=Exists(groups.filter(name=CONTRIBUTORS)),
        _assigned=Exists(assigned),
    ).get(**lookup)
    if not hasattr(user, "_desk_groups"):
        # Only these names are ever asked about (is_editor, is_contributor, uses_desk).
        names = (
            (EDITORS, session._editor),
            (JOURNALISTS, session._journalist),
            (CONTRIBUTORS, session._contributor),
        )
        user._desk_groups = {name for name, member in names if member}
    session._assigned_user = user.pk
    return session


def can_publish_in(user: AnyUser, session: LiveSession) -> bool:
    """Publish and schedule: everyone who writes in the live except contributors."""
    return can_write_in(user, session) and not is_contributor(user)


def can_edit_post(user: AnyUser, post: Post) -> bool:
    if is_editor(user):
        return True
    if post.status == Post.Status.SUBMITTED and can_review_in(user, post.session):
        return True  # a journalist reviewing where the live allows it
    if post.author_id != user.pk or not can_write_in(user, post.session):
        return False
    # A contributor's post is theirs to rewrite only until they send it for review.
    return not is_contributor(user) or post.status == Post.Status.DRAFT


def can_review_in(user: AnyUser, session: LiveSession) -> bool:
    """See the live's review queue, and publish or send back what contributors sent:
    editors, and the live's journalists where the live lets them."""
    if is_editor(user):
        return True
    if is_contributor(user) or not session.journalists_review:
        return False
    return can_write_in(user, session)


def can_see_desk_room(user: AnyUser) -> bool:
    """The desk's notes and audience: the staff of the live, not its contributors (notes
    talk about other people's drafts)."""
    return not is_contributor(user)


def can_describe_photo(user: AnyUser, photo: Photo) -> bool:
    """Changing a photo's caption, alt text or credit changes it wherever it shows: editors
    may; anyone else only if they may edit every post using it and write in every live
    whose lead photo it is."""
    if is_editor(user):
        return True
    leading = LiveSession.objects.filter(lead_photo=photo)
    if not all(can_write_in(user, session) for session in leading):
        return False
    posts = Post.objects.filter(blocks__photo=photo).distinct().select_related("session")
    return all(can_edit_post(user, post) for post in posts)


def can_set_displayed_time(user: AnyUser, session: LiveSession) -> bool:
    """Editors always; a journalist of the live only within the minutes its editors allow
    (liveblog.domain.writing.check_displayed_time holds them to it)."""
    if is_editor(user):
        return True
    return session.journalist_backdate_minutes > 0 and can_write_in(user, session)


def can_create_rubric(user: AnyUser) -> bool:
    return is_editor(user)


def can_run_lives(user: AnyUser) -> bool:
    """Create, schedule, staff, reopen, archive and delete lives, choose their rubrics."""
    return is_editor(user)


def require(allowed: bool) -> None:
    """Turns a refusal into a 403 page (anonymous people are sent to log in before this)."""
    if not allowed:
        raise PermissionDenied


class NotAllowed(ValidationError):
    """A domain function refusing this person, saying why in their language. A
    ValidationError, so the composer shows it above the form with everything kept."""


def check_may_publish(by) -> None:
    """The one gate of publishing and scheduling: contributors send for review instead.
    `by` None is the scheduler, publishing what an editor scheduled."""
    if by is not None and is_contributor(by):
        raise NotAllowed(
            _("Contributors do not publish: send the post for review, an editor will publish it."),
            code="contributor_publishes",
        )
