"""Readers' questions: asked from the live page, decided on the desk.

A question is private until a person answers it in a post that quotes it; each step
is audited. Refusals carry a message in the session's language for the reader.
"""

import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from liveblog.domain.audit import record_change
from liveblog.domain.events import record_event
from liveblog.domain.posts import publish_post
from liveblog.domain.rate_limits import within_limit
from liveblog.models import Block, LiveSession, Post, Question

TEXT_LIMIT = 500
NAME_LIMIT = 60
# One reader: a few questions in ten minutes. Everyone on one live: a newsroom reads
# at most this many a minute; beyond that the queue only grows.
PER_ADDRESS = (3, 600)
PER_SESSION = (60, 60)


class QuestionRefused(Exception):
    """Not taken; the message says why, in the reader's language; `status` for HTTP."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.status = status


def plain_text(value: str) -> str:
    """Text with no control characters (line breaks kept) and no runs of blank space."""
    kept = "".join(
        char if char == "\n" or unicodedata.category(char)[0] != "C" else " " for char in value
    )
    lines = [" ".join(line.split()) for line in kept.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def ask_question(*, session: LiveSession, text: str, name: str, address: str) -> Question:
    with override(session.language):
        if not (session.accepts_questions and session.is_live):
            raise QuestionRefused(_("This live is not taking questions at the moment."))
        text, name = plain_text(text), plain_text(name).replace("\n", " ")
        if not text:
            raise QuestionRefused(_("Write your question before sending it."))
        if len(text) > TEXT_LIMIT:
            raise QuestionRefused(
                _("Your question is %(length)d characters long; the limit is %(limit)d.")
                % {"length": len(text), "limit": TEXT_LIMIT}
            )
        if len(name) > NAME_LIMIT:
            raise QuestionRefused(
                _("Your name can be at most %(limit)d characters long.") % {"limit": NAME_LIMIT}
            )
        limit, seconds = PER_ADDRESS
        if not within_limit(f"question:{session.pk}:{address}", limit=limit, seconds=seconds):
            raise QuestionRefused(
                _("You have sent several questions in a short time: wait a few minutes."),
                status=429,
            )
        limit, seconds = PER_SESSION
        if not within_limit(f"question:{session.pk}", limit=limit, seconds=seconds):
            raise QuestionRefused(
                _("The newsroom is receiving many questions right now: try again in a minute."),
                status=429,
            )
    with transaction.atomic():
        question = Question.objects.create(session=session, text=text, name=name)
        record_change(
            "question.asked", session=session, detail={"question": question.pk, "text": text}
        )
    return question


def discard_question(*, question: Question, by) -> None:
    with transaction.atomic():
        decided = Question.objects.filter(pk=question.pk, status=Question.Status.PENDING).update(
            status=Question.Status.DISCARDED, decided_by=by, decided_at=timezone.now()
        )
        if decided:
            question.status = Question.Status.DISCARDED
            record_change(
                "question.discarded",
                by=by,
                session=question.session,
                detail={"question": question.pk},
            )


def answer_question(*, question: Question, by, answer: str, title: str = "") -> Post:
    """Publish a post quoting the question, then the answer; the question is then answered."""
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.status != Question.Status.PENDING:
            raise QuestionRefused(_("This question has already been dealt with."), status=409)
        post = Post.objects.create(session=question.session, author=by, title=title)
        Block.objects.create(
            post=post,
            position=0,
            kind=Block.Kind.QUESTION,
            text=question.text,
            attribution=question.name,
        )
        Block.objects.create(post=post, position=1, kind=Block.Kind.PARAGRAPH, text=answer)
        publish_post(post=post, by=by)
        question.status = Question.Status.ANSWERED
        question.answer, question.decided_by, question.decided_at = post, by, timezone.now()
        question.save()
        record_change(
            "question.answered",
            by=by,
            post=post,
            detail={"question": question.pk, "text": question.text},
        )
    return post


def set_accepts_questions(*, session: LiveSession, accepts: bool, by) -> None:
    with transaction.atomic():
        session.accepts_questions = accepts
        session.save(update_fields=["accepts_questions", "updated_at"])
        # The event moves the session on in the log, so the cached reader page (with or
        # without the question form) is rendered afresh.
        record_event(session, "session.updated")
        record_change(
            "session.questions_opened" if accepts else "session.questions_closed",
            by=by,
            session=session,
        )
