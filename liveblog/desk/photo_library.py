"""The photo desk: photos sent as soon as they are picked, and the library, to find a past
photo by caption or credit and use it again, in a post or as a session's lead photo.

`/editor/photos/?q=` lists the newsroom's photos, newest first. Opened from a post
(`&session=<slug>&post=<id>`) or from a session's header (`&session=<slug>`), each
result carries the matching "use" button.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from liveblog.desk.views import post_for, session_for
from liveblog.domain.posts import check_photos_publishable, record_edit
from liveblog.domain.roles import (
    can_edit_post,
    can_write_in,
    is_contributor,
    is_editor,
    require,
    uses_desk,
)
from liveblog.domain.sessions import update_header
from liveblog.models import Block, LiveSession, Photo, Post
from liveblog.photos.imaging import (
    accept_upload,
    decoding,
    store_photo,
    suggested_credit,
    suggested_fields,
)

RESULTS_SHOWN = 24
SEARCHED_FIELDS = (
    "caption",
    "alt_text",
    "credit__photographer",
    "credit__agency",
    "credit__via",
)


@login_required
@require_POST
def upload(request):
    """One photo, sent by photo-upload.js as soon as it is picked, dropped or pasted: stored
    (checked, stripped), with the caption and credit its metadata suggest for the composer."""
    require(uses_desk(request.user))
    file = request.FILES.get("image")
    if file is None:
        return JsonResponse({"error": _("Choose a photo to upload.")}, status=422)
    try:
        with decoding(file):
            accepted = accept_upload(file)
            suggested = suggested_fields(accepted.source)
            photo = store_photo(accepted, by=request.user)
            del accepted  # its pixels go before the budget is given back
    except ValidationError as refused:
        return JsonResponse({"error": " ".join(refused.messages)}, status=422)
    return JsonResponse(
        {
            "photo": photo.pk,
            "preview": photo.image.url,
            "caption": suggested["caption"],
            "credit": suggested_credit(suggested),
        }
    )


def search_photos(query: str, user=None):
    """Photos whose caption, alt text or credit holds every word of `query`, newest first."""
    photos = photos_seen_by(user).select_related("credit").prefetch_related("renditions")
    for word in query.split():
        matches = Q()
        for field in SEARCHED_FIELDS:
            matches |= Q(**{f"{field}__icontains": word})
        photos = photos.filter(matches)
    return photos.order_by("-created_at", "-id")


def photos_seen_by(user):
    """The library: every photo for the staff; for a contributor, their own uploads and the
    photos readers already see (a photo only in someone's draft is part of that draft)."""
    if user is None or not is_contributor(user):
        return Photo.objects.all()
    public = (
        Q(uploaded_by=user)
        | Q(block__post__status=Post.Status.PUBLISHED)
        | Q(pk__in=LiveSession.objects.filter(lead_photo__isnull=False).values("lead_photo"))
    )
    return Photo.objects.filter(pk__in=Photo.objects.filter(public).values("pk"))


def reuse_in_post(post: Post, photo: Photo, *, by) -> Block:
    """Adds the photo at the end of the post; a published post must stay publishable."""
    with transaction.atomic():
        last = post.blocks.aggregate(last=Max("position"))["last"]
        block = Block.objects.create(
            post=post,
            position=0 if last is None else last + 1,
            kind=Block.Kind.PHOTO,
            photo=photo,
        )
        if post.is_published:
            check_photos_publishable(post)
        record_edit(post=post, by=by)
    return block


class PhotoChoice(forms.Form):
    photo = forms.ModelChoiceField(queryset=Photo.objects.all())


def chosen_photo(request) -> Photo:
    form = PhotoChoice(request.POST)
    form.fields["photo"].queryset = photos_seen_by(request.user)
    if not form.is_valid():
        raise BadRequest(_("This photo is no longer in the library."))
    return form.cleaned_data["photo"]


@login_required
@vary_on_headers("HX-Request")
def library(request):
    require(uses_desk(request.user))
    context = library_context(request, request.GET)
    # The search pushes its URL: going back to it restores the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "liveblog/photos.html#results" if partial else "liveblog/photos.html"
    return render(request, template, context)


def library_context(request, params, **extra) -> dict:
    """The search and the place the library was opened from, for its "use" buttons."""
    query = params.get("q", "").strip()[:100]
    session = post = None
    if slug := params.get("session"):
        session = LiveSession.objects.filter(slug=slug).first()
        if session and not can_write_in(request.user, session):
            session = None
    if session and (post_id := params.get("post", "")).isdigit():
        post = session.posts.filter(pk=post_id).first()
        if post and not can_edit_post(request.user, post):
            post = None
    return {
        "query": query,
        "photos": search_photos(query, request.user)[:RESULTS_SHOWN],
        "session": session,
        "post": post,
        "can_change_lead": session is not None and is_editor(request.user),
        **extra,
    }


def library_url(query: str = "", session: LiveSession | None = None, post: Post | None = None):
    params = {
        "q": query,
        "session": session.slug if session else "",
        "post": post.pk if post else "",
    }
    params = {key: value for key, value in params.items() if value}
    url = reverse("desk:photos")
    return f"{url}?{urlencode(params)}" if params else url


@login_required
@require_POST
def use_in_post(request, slug: str, post_id: int):
    session = session_for(request, slug)
    post = post_for(request, session, post_id)
    photo = chosen_photo(request)
    try:
        reuse_in_post(post, photo, by=request.user)
    except ValidationError as error:
        return used(request, session, post, messages.ERROR, " ".join(error.messages))
    return used(request, session, post, messages.SUCCESS, _("Photo added to the post."))


@login_required
@require_POST
def use_as_lead(request, slug: str):
    session = session_for(request, slug)
    require(is_editor(request.user))
    photo = chosen_photo(request)
    if not (photo.alt_text.strip() and photo.credit_id):
        # The rule posts obey (domain.posts.check_photos_publishable) holds for the lead photo too.
        refusal = _("The photo “%(photo)s” needs alt text and a credit to lead the live.")
        return used(request, session, None, messages.ERROR, refusal % {"photo": photo})
    update_header(session=session, by=request.user, lead_photo=photo)
    return used(
        request, session, None, messages.SUCCESS, _("Lead photo changed: readers see it now.")
    )


def used(request, session, post, level: int, text: str):
    """After a "use": the same results with what happened (htmx), or back to them (no script)."""
    if request.htmx:
        notice = {"level": "error" if level == messages.ERROR else "success", "text": text}
        context = library_context(request, request.POST, notice=notice)
        return render(request, "liveblog/photos.html#results", context)
    messages.add_message(request, level, text)
    return redirect(library_url(request.POST.get("q", ""), session, post))
