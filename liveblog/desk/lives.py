"""Editors run a live from the desk, no admin needed: create it, plan its start and end,
staff it, choose its rubrics, reopen, archive or delete it. Journalists cannot (403).

Each view checks the role, validates a form and calls one function of
liveblog.domain.lives (create, plan, staff, rubrics, delete) or liveblog.domain.sessions
(reopen, archive), which writes the change, its event and its audit entry.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liveblog.desk.attachments import credit_labels, credit_named
from liveblog.desk.composer import DATETIME_INPUT, PlainTextField, plain
from liveblog.desk.posts import desk_url
from liveblog.desk.session import editor_session
from liveblog.domain import lives, sessions
from liveblog.domain.review import set_journalists_review
from liveblog.domain.roles import (
    CONTRIBUTORS,
    EDITORS,
    JOURNALISTS,
    can_run_lives,
    is_contributor,
    require,
)
from liveblog.models import LiveSession, Photo, Rubric
from liveblog.models.sessions import MAX_BACKDATE_MINUTES
from liveblog.photos.imaging import accept_upload, store_photo

# Lead photos offered in the form's list: the newsroom's latest.
RECENT_PHOTOS = 60


def multiline(text: str) -> str:
    return "\n".join(plain(line) for line in text.splitlines())


class TimesForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Planned start (UTC)"), required=False, widget=DATETIME_INPUT
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Planned end (UTC)"), required=False, widget=DATETIME_INPUT
    )


class LiveForm(TimesForm):
    headline = PlainTextField(label=gettext_lazy("Headline"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Address (slug)"),
        max_length=lives.SLUG_LENGTH,
        required=False,
        help_text=gettext_lazy("Made from the headline if left empty: /live/<slug>/."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=LiveSession.Language.choices
    )
    standfirst = forms.CharField(
        label=gettext_lazy("Standfirst"), required=False, widget=forms.Textarea({"rows": 3})
    )
    credits = forms.CharField(
        label=gettext_lazy("Who is running this live?"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=gettext_lazy("The people and agencies behind it, as readers will see them."),
    )
    lead_photo = forms.ModelChoiceField(
        label=gettext_lazy("Lead photo from the library"),
        queryset=Photo.objects.none(),
        required=False,
    )
    lead_image = forms.FileField(
        label=gettext_lazy("Or upload a lead photo"),
        required=False,
        widget=forms.ClearableFileInput({"accept": "image/*"}),
    )
    lead_caption = PlainTextField(label=gettext_lazy("Caption"), max_length=500, required=False)
    lead_alt_text = PlainTextField(
        label=gettext_lazy("Alt text"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("What the photo shows, for readers who cannot see it."),
    )
    lead_credit = PlainTextField(
        label=gettext_lazy("Photo credit"),
        max_length=250,
        required=False,
        widget=forms.TextInput({"list": "credit-list", "autocomplete": "off"}),
    )
    # The template shows them in three groups, by position: header, times, lead photo.
    field_order = [
        *("headline", "slug", "language", "standfirst", "credits"),
        *("starts_at", "ends_at"),
        *("lead_photo", "lead_image", "lead_caption", "lead_alt_text", "lead_credit"),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recent = Photo.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
        self.fields["lead_photo"].queryset = Photo.objects.filter(
            pk__in=list(recent[:RECENT_PHOTOS])
        ).order_by("-created_at", "-id")

    def clean_standfirst(self) -> str:
        return multiline(self.cleaned_data["standfirst"])

    def clean_credits(self) -> str:
        return multiline(self.cleaned_data["credits"])

    def clean(self):
        cleaned = super().clean()
        photo = cleaned.get("lead_photo")
        if photo and not (photo.alt_text.strip() and photo.credit_id):
            self.add_error(
                "lead_photo",
                _("The photo “%(photo)s” needs alt text and a credit to lead the live.")
                % {"photo": photo},
            )
        return cleaned


def keep_lead_upload(request, data) -> str:
    """Store an uploaded lead photo at once and select it in `data`, so a mistake elsewhere
    in the form never asks for the file again. Returns why the file was refused, if it was."""
    file = request.FILES.get("lead_image")
    if file is None:
        return ""
    try:
        accepted = accept_upload(file)
    except ValidationError as refused:
        return " ".join(refused.messages)
    photo = store_photo(
        accepted,
        by=request.user,
        caption=plain(data.get("lead_caption", ""))[:500],
        alt_text=plain(data.get("lead_alt_text", ""))[:300],
        credit=credit_named(data.get("lead_credit", "")),
    )
    data["lead_photo"] = str(photo.pk)
    return ""


@login_required
def new_live(request):
    require(can_run_lives(request.user))
    data = request.POST.copy() if request.method == "POST" else None
    refused = keep_lead_upload(request, data) if data is not None else ""
    form = LiveForm(data, initial={"language": LiveSession.Language.FR})
    if data is not None and form.is_valid() and not refused:
        fields = form.cleaned_data
        try:
            live = lives.create_live(
                by=request.user,
                headline=fields["headline"],
                slug=fields["slug"] or lives.suggested_slug(fields["headline"]),
                language=fields["language"],
                standfirst=fields["standfirst"],
                credits=fields["credits"],
                lead_photo=fields["lead_photo"],
                starts_at=fields["starts_at"],
                ends_at=fields["ends_at"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Live created. Readers see it when it starts; assign its journalists now."),
            )
            return redirect(reverse("desk:session-people", kwargs={"slug": live.slug}))
    if refused:
        form.add_error("lead_image", refused)
    context = {"form": form, "credit_labels": credit_labels()}
    return render(request, "liveblog/desk_live_new.html", context, status=status_of(form))


def status_of(form) -> int:
    return 422 if form.is_bound else 200


@login_required
def schedule(request, slug: str):
    live = editor_session(request, slug)
    initial = {"starts_at": live.scheduled_for, "ends_at": live.scheduled_end}
    form = TimesForm(request.POST or None, initial=initial)
    if live.status != LiveSession.Status.SCHEDULED:
        form.fields["starts_at"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            lives.schedule_live(
                live=live,
                by=request.user,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Schedule saved: the live starts and ends on time."))
            return redirect(desk_url(live))
    context = {"session": live, "form": form}
    return render(request, "liveblog/desk_live_schedule.html", context, status=status_of(form))


class PeopleForm(forms.Form):
    journalists = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Who writes in this live"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    backdate_minutes = forms.IntegerField(
        label=gettext_lazy("Journalists may set the displayed time back by at most (minutes)"),
        min_value=0,
        max_value=MAX_BACKDATE_MINUTES,
        required=False,
        help_text=gettext_lazy(
            "For a post written from notes of a moment ago. 0: only editors set the "
            "displayed time. Never ahead of now (that is scheduling)."
        ),
    )
    journalists_review = forms.BooleanField(
        label=gettext_lazy("This live's journalists review contributors' posts too"),
        required=False,
        help_text=gettext_lazy(
            "Editors always see the review queue; ticked, the journalists ticked above do too."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        desk_people = Q(groups__name__in=[JOURNALISTS, EDITORS, CONTRIBUTORS])
        self.fields["journalists"].queryset = (
            get_user_model()
            .objects.filter(desk_people, is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["journalists"].label_from_instance = person_and_role


def person_and_role(person) -> str:
    """A name in the list of people, a contributor said as such (their posts are reviewed)."""
    name = lives.person_name(person)
    return _("%(name)s (contributor)") % {"name": name} if is_contributor(person) else name


@login_required
def people(request, slug: str):
    live = editor_session(request, slug)
    initial = {
        "journalists": live.journalists.all(),
        "backdate_minutes": live.journalist_backdate_minutes,
        "journalists_review": live.journalists_review,
    }
    form = PeopleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            lives.assign_journalists(
                live=live, by=request.user, people=form.cleaned_data["journalists"]
            )
            if (minutes := form.cleaned_data["backdate_minutes"]) is not None:
                lives.set_backdating_rule(live=live, by=request.user, minutes=minutes)
            set_journalists_review(
                live=live, allowed=form.cleaned_data["journalists_review"], by=request.user
            )
        messages.success(request, _("The live's people are saved."))
        return redirect(desk_url(live))
    context = {"session": live, "form": form}
    return render(request, "liveblog/desk_live_people.html", context, status=status_of(form))


class RubricForm(forms.Form):
    name = PlainTextField(label=gettext_lazy("Rubric"), max_length=60)


@login_required
def rubrics(request, slug: str):
    live = editor_session(request, slug)
    form = RubricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rubric = lives.offer_rubric(live=live, by=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error.messages[0])
        else:
            messages.success(request, _("“%(name)s” is offered in this live.") % {"name": rubric})
            return redirect(reverse("desk:session-rubrics", kwargs={"slug": live.slug}))
    context = {
        "session": live,
        "form": form,
        "offered": live.rubrics.order_by("key"),
        "others": Rubric.objects.exclude(live_sessions=live).order_by("key")[:200],
    }
    return render(request, "liveblog/desk_live_rubrics.html", context, status=status_of(form))


@login_required
@require_POST
def withdraw_rubric(request, slug: str, rubric_id: int):
    live = editor_session(request, slug)
    rubric = get_object_or_404(Rubric, pk=rubric_id)
    lives.withdraw_rubric(live=live, by=request.user, rubric=rubric)
    messages.success(request, _("“%(name)s” is no longer offered in this live.") % {"name": rubric})
    return redirect(reverse("desk:session-rubrics", kwargs={"slug": live.slug}))


@login_required
@require_POST
def reopen(request, slug: str):
    return change_status(request, slug, sessions.reopen_session, _("The live is running again."))


@login_required
@require_POST
def archive(request, slug: str):
    live = editor_session(request, slug)
    try:
        sessions.archive_session(session=live, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(desk_url(live))
    messages.success(
        request, _("“%(live)s” is archived: readers see it marked so.") % {"live": live}
    )
    return redirect("desk:sessions")


def change_status(request, slug: str, change, done: str):
    live = editor_session(request, slug)
    try:
        change(session=live, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(desk_url(live))


@login_required
def delete(request, slug: str):
    live = editor_session(request, slug)
    refusal = lives.deletion_refused(live)
    if request.method == "POST" and not refusal:
        lives.delete_live(live=live, by=request.user)
        messages.success(request, _("“%(live)s” is deleted.") % {"live": live})
        return redirect("desk:sessions")
    context = {"session": live, "refusal": refusal, "drafts": live.posts.count()}
    status = 409 if refusal and request.method == "POST" else 200
    return render(request, "liveblog/desk_live_delete.html", context, status=status)
