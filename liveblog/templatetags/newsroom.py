"""The newsroom's panels on the desk page, loaded by the page itself: `{% desk_notes %}`,
`{% review_panel %}`."""

from django import template

from liveblog.desk.notes import note_form_context
from liveblog.desk.review import review_context
from liveblog.domain.notes import desk_thread

register = template.Library()


@register.inclusion_tag("liveblog/desk_notes.html", takes_context=True)
def desk_notes(context):
    """The desk's notes thread and its form, for the desk page's live (`session`)."""
    request, session = context["request"], context["session"]
    return {
        **note_form_context(request, session),
        "notes": desk_thread(session),
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("liveblog/desk_review.html", takes_context=True)
def review_panel(context):
    """The review queue (reviewers) or the contributor's own posts sent for review."""
    request, session = context["request"], context["session"]
    return {
        **review_context(request.user, session),
        "session": session,
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }
