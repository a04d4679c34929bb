"""Editors' controls of a session: start, end, headline, standfirst, lead photo, credits;
its audit log and its archive. Creating, scheduling, staffing, rubrics, reopening,
archiving and deleting are in liveblog.desk.lives."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liveblog.desk.audit_log import audit_lines
from liveblog.desk.composer import NumberChoiceField, PlainTextField, plain
from liveblog.desk.posts import desk_url
from liveblog.desk.views import session_for
from liveblog.domain import sessions as changes
from liveblog.domain.archive import dumps, export_session
from liveblog.domain.roles import is_editor, require
from liveblog.models import AuditEntry, LiveSession, Photo


class HeaderForm(forms.Form):
    # The lead photo is chosen among the latest photos (and the current one).
    RECENT_PHOTOS = 60

    headline = PlainTextField(label=gettext_lazy("Headline"), max_length=200)
    standfirst = forms.CharField(
        label=gettext_lazy("Standfirst"), required=False, widget=forms.Textarea({"rows": 3})
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 5}),
        help_text=gettext_lazy(
            "The key points so far, one per line: readers see them as a list, updated live."
        ),
    )
    lead_photo = NumberChoiceField(
        label=gettext_lazy("Lead photo"),
        queryset=Photo.objects.all(),
        required=False,
    )
    credits = forms.CharField(
        label=gettext_lazy("Credits of the live"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=gettext_lazy("“Who is running this live?”: the people and agencies behind it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A sliced queryset cannot be filtered again when the choice is validated.
        recent = Photo.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
        choices = list(recent[: self.RECENT_PHOTOS])
        # The current lead photo stays a choice however old it is: without it, the select
        # would fall back to "no photo" and saving the headline would clear the photo.
        current = self.initial.get("lead_photo")
        if current is not None:
            choices.append(getattr(current, "pk", current))
        self.fields["lead_photo"].queryset = Photo.objects.filter(pk__in=choices)

    def clean_standfirst(self) -> str:
        return "\n".join(plain(line) for line in self.cleaned_data["standfirst"].splitlines())

    def clean_summary(self) -> str:
        # Plain text, one point a line: tags are dropped, blank lines too.
        lines = (plain(line) for line in self.cleaned_data["summary"].splitlines())
        return "\n".join(line for line in lines if line)

    def clean_credits(self) -> str:
        return "\n".join(plain(line) for line in self.cleaned_data["credits"].splitlines())


def editor_session(request, slug: str) -> LiveSession:
    session = session_for(request, slug)
    require(is_editor(request.user))
    return session


@login_required
def edit_header(request, slug: str):
    session = editor_session(request, slug)
    initial = {
        "headline": session.headline,
        "standfirst": session.standfirst,
        "summary": session.summary,
        "lead_photo": session.lead_photo,
        "credits": session.credits,
    }
    form = HeaderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes.update_header(session=session, by=request.user, **form.cleaned_data)
        messages.success(request, _("Header updated: readers see it now."))
        return redirect(desk_url(session))
    status = 422 if form.is_bound else 200
    context = {"session": session, "form": form}
    return render(request, "liveblog/desk_header.html", context, status=status)


@login_required
@require_POST
def start_session(request, slug: str):
    session = editor_session(request, slug)
    if session.status == LiveSession.Status.LIVE:
        return redirect(desk_url(session))
    was_ended = session.status == LiveSession.Status.ENDED
    try:
        # On an ended live this reopens it (liveblog.domain.sessions.start_session).
        changes.start_session(session=session, by=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        done = _("The live is running again.") if was_ended else _("The live has started.")
        messages.success(request, done)
    return redirect(desk_url(session))


@login_required
@require_POST
def end_session(request, slug: str):
    session = editor_session(request, slug)
    if session.status == LiveSession.Status.LIVE:
        changes.end_session(session=session, by=request.user)
        messages.success(request, _("The live has ended."))
    return redirect(desk_url(session))


# One page of the audit log; older entries follow with ?before=<id>.
AUDIT_PAGE_SIZE = 100


@login_required
def audit_log(request, slug: str):
    """Who changed what in this session, newest first: editors only."""
    session = editor_session(request, slug)
    entries = AuditEntry.objects.filter(live_session_id=session.pk).order_by("-id")
    before = request.GET.get("before", "")
    if before.isdigit():
        entries = entries.filter(id__lt=int(before))
    page = list(entries[: AUDIT_PAGE_SIZE + 1])
    context = {
        "session": session,
        "lines": audit_lines(page[:AUDIT_PAGE_SIZE]),
        "older": page[AUDIT_PAGE_SIZE - 1].pk if len(page) > AUDIT_PAGE_SIZE else None,
    }
    return render(request, "liveblog/desk_audit.html", context)


@login_required
def export(request, slug: str):
    """The session as one JSON archive (see liveblog.domain.archive), to keep or to move."""
    session = editor_session(request, slug)
    response = HttpResponse(
        dumps(export_session(session)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{session.slug}.json"'
    return response
