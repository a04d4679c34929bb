"""Readers' questions on the desk: the queue (redrawn by htmx every few seconds), discard,
answer in a post that quotes the question, and an editor's switch to take questions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liveblog.desk.views import session_for
from liveblog.domain.questions import (
    QuestionRefused,
    answer_question,
    discard_question,
    set_accepts_questions,
)
from liveblog.domain.roles import can_see_desk_room, is_editor, require
from liveblog.models import Question

QUEUE_SHOWN = 50


class AnswerForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title (optional)"), max_length=200, required=False)
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        widget=forms.Textarea({"rows": 6}),
        help_text=gettext_lazy("Published under the question, quoted as the reader wrote it."),
    )


def queue_context(request, session) -> dict:
    pending = session.questions.pending().oldest_first()
    return {
        "session": session,
        "questions": pending[:QUEUE_SHOWN],
        "waiting": pending.count(),
        "is_editor": is_editor(request.user),
    }


@login_required
def queue(request, slug: str):
    session = session_for(request, slug)
    require(can_see_desk_room(request.user))  # readers' questions and polls: the staff's
    return render(request, "liveblog/desk_questions.html", queue_context(request, session))


def question_for(request, slug: str, question_id: int) -> Question:
    session = session_for(request, slug)
    require(can_see_desk_room(request.user))  # readers' questions and polls: the staff's
    return get_object_or_404(
        Question.objects.select_related("session"), pk=question_id, session=session
    )


@login_required
@require_POST
def discard(request, slug: str, question_id: int):
    question = question_for(request, slug, question_id)
    discard_question(question=question, by=request.user)
    if request.htmx:
        return render(
            request, "liveblog/desk_questions.html", queue_context(request, question.session)
        )
    messages.success(request, _("The question was discarded."))
    return redirect("desk:session", slug=slug)


@login_required
def answer(request, slug: str, question_id: int):
    question = question_for(request, slug, question_id)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                answer_question(
                    question=question,
                    by=request.user,
                    answer=form.cleaned_data["answer"],
                    title=form.cleaned_data["title"],
                )
            except QuestionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Your answer is on the live."))
                return redirect("desk:session", slug=slug)
        status = 422
    context = {"session": question.session, "question": question, "form": form}
    return render(request, "liveblog/desk_answer.html", context, status=status)


@login_required
@require_POST
def toggle(request, slug: str):
    session = session_for(request, slug)
    require(can_see_desk_room(request.user))  # readers' questions and polls: the staff's
    require(is_editor(request.user))
    set_accepts_questions(
        session=session, accepts=request.POST.get("accepts") == "1", by=request.user
    )
    if request.htmx:
        return render(request, "liveblog/desk_questions.html", queue_context(request, session))
    return redirect("desk:session", slug=slug)
