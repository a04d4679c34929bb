"""A poll for readers, published in a post of its own from the desk."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liveblog.desk.views import session_for
from liveblog.domain.polls import MAX_CHOICES, MIN_CHOICES, create_poll_post
from liveblog.domain.roles import can_see_desk_room, require


class PollForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title (optional)"), max_length=200, required=False)
    intro = forms.CharField(
        label=gettext_lazy("Text before the poll (optional)"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    question = forms.CharField(label=gettext_lazy("Question"), max_length=200)
    minutes = forms.IntegerField(
        label=gettext_lazy("Open for (minutes)"), min_value=1, max_value=7 * 24 * 60, initial=30
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_CHOICES + 1):
            self.fields[f"choice_{number}"] = forms.CharField(
                label=_("Choice %(number)d") % {"number": number},
                max_length=100,
                required=number <= MIN_CHOICES,
            )

    def choices(self) -> list[str]:
        return [
            self.cleaned_data[f"choice_{number}"]
            for number in range(1, MAX_CHOICES + 1)
            if self.cleaned_data.get(f"choice_{number}")
        ]


@login_required
def new_poll(request, slug: str):
    session = session_for(request, slug)
    require(can_see_desk_room(request.user))  # readers' questions and polls: the staff's
    form = PollForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                create_poll_post(
                    session=session,
                    by=request.user,
                    question=form.cleaned_data["question"],
                    choices=form.choices(),
                    closes_at=timezone.now() + timedelta(minutes=form.cleaned_data["minutes"]),
                    title=form.cleaned_data["title"],
                    intro=form.cleaned_data["intro"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The poll is on the live."))
                return redirect("desk:session", slug=slug)
        status = 422
    context = {"session": session, "form": form}
    return render(request, "liveblog/desk_poll.html", context, status=status)
