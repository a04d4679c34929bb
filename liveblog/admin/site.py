from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from liveblog.admin.audited import AuditedAdmin, ReadOnlyAdmin
from liveblog.desk.login import ThrottledAuthenticationForm
from liveblog.domain.photos import delete_photo, photo_files, remove_files
from liveblog.domain.posts import (
    delete_post,
    publish_post,
    record_edit,
    schedule_post,
    send_back_to_draft,
    set_key_event,
    set_pinned,
)
from liveblog.domain.review import submit_for_review
from liveblog.domain.sessions import archive_session, end_session, start_session, update_header
from liveblog.models import (
    Block,
    Branding,
    Event,
    LiveSession,
    Photo,
    PhotoCredit,
    Post,
    Rubric,
)
from liveblog.photos.imaging import accept_upload, stored_file
from liveblog.photos.renditions import make_renditions_after_commit

admin.site.login_form = ThrottledAuthenticationForm
admin.site.site_header = _("Live blog administration")
admin.site.site_title = _("Live blog administration")


@admin.register(LiveSession)
class LiveSessionAdmin(AuditedAdmin):
    list_display = [
        "headline",
        "status",
        "language",
        "scheduled_for",
        "started_at",
        "ended_at",
        "published_count",
    ]
    list_filter = ["status", "language", "started_at"]
    search_fields = ["headline", "slug", "standfirst"]
    prepopulated_fields = {"slug": ["headline"]}
    filter_horizontal = ["journalists"]
    autocomplete_fields = ["lead_photo"]
    readonly_fields = ["last_seq", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {"fields": ["headline", "slug", "standfirst", "summary", "language", "credits"]},
        ),
        (
            _("Schedule"),
            {"fields": ["status", "scheduled_for", "started_at", "ended_at", "archived_at"]},
        ),
        (_("Lead photo"), {"fields": ["lead_photo"]}),
        (_("People"), {"fields": ["journalists"]}),
        (
            _("Record"),
            {"fields": ["last_seq", "created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        published = Count("posts", filter=Q(posts__status=Post.Status.PUBLISHED))
        return super().get_queryset(request).annotate(published_count=published)

    @admin.display(description=_("published posts"), ordering="published_count")
    def published_count(self, session):
        return session.published_count

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what the form changed, and what readers see through the domain, as from the
        # desk: a whole-row save would write back last_seq, which events written since the
        # form read the row have moved on (the next event's number would be taken).
        changed = set(form.changed_data) - {"journalists"}  # many-to-many: save_related
        moves = obj.status if "status" in changed and obj.status in STATUS_CHANGES else None
        plain = (
            changed
            - set(HEADER_FIELDS)
            - ({"status", STATUS_CHANGES[moves][1]} if moves else set())
        )
        if plain:
            obj.save(update_fields=[*plain, "updated_at"])
        current = LiveSession.objects.get(pk=obj.pk)
        header = {name: getattr(obj, name) for name in HEADER_FIELDS if name in changed}
        if header:
            update_header(session=current, by=request.user, **header)
        if moves:
            change_status, time_field = STATUS_CHANGES[moves]
            try:
                change_status(session=current, by=request.user, at=getattr(obj, time_field))
            except ValidationError as refused:
                # The desk's rules hold here too (only an ended live is archived…).
                messages.error(request, " ".join(refused.messages))
        elif not header and plain & SEEN_BY_READERS:
            update_header(session=current, by=request.user)


# Changed here, these reach readers through liveblog.domain.sessions, as from the desk.
HEADER_FIELDS = ("headline", "standfirst", "summary", "lead_photo", "credits")
STATUS_CHANGES = {
    LiveSession.Status.LIVE: (start_session, "started_at"),
    LiveSession.Status.ENDED: (end_session, "ended_at"),
    LiveSession.Status.ARCHIVED: (archive_session, "archived_at"),
}
# Saved as they are, then readers' pages are told (a live put back to scheduled, a time fixed).
SEEN_BY_READERS = {"status", "scheduled_for", "started_at", "ended_at", "archived_at", "language"}


class BlockInline(admin.StackedInline):
    model = Block
    extra = 0
    autocomplete_fields = ["photo"]
    fields = ["position", "kind", "text", "attribution", "url", "link_kind", "link_title", "photo"]


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = [
        "__str__",
        "session",
        "rubric",
        "author",
        "status",
        "published_at",
        "pinned",
        "key_event",
    ]
    list_filter = ["status", "pinned", "key_event", "session", "rubric"]
    search_fields = ["title", "blocks__text", "session__headline", "author__username"]
    list_select_related = ["session", "rubric", "author"]
    autocomplete_fields = ["session", "rubric", "author"]
    readonly_fields = ["version", "created_at", "updated_at", "edited_at"]
    date_hierarchy = "published_at"
    inlines = [BlockInline]

    # A hard delete is first a withdrawal: readers' pages drop the post and the catch-up
    # log forgets its words, exactly as when the desk deletes it; then the row goes.
    def delete_model(self, request, obj):
        self.withdraw(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for post in queryset.select_related("session"):
            self.withdraw(request, post)
        super().delete_queryset(request, queryset)

    @staticmethod
    def withdraw(request, post):
        if post.status != Post.Status.DELETED:
            delete_post(post=post, by=request.user)

    def save_model(self, request, obj, form, change):
        # Status and flags change through the domain, once the blocks are saved
        # (save_related): the row keeps the ones it had until then.
        for name in STATE_FIELDS:
            setattr(obj, name, form.initial.get(name, Post._meta.get_field(name).default))
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what the form changed: a whole-row save would write back a version that a
        # desk edit made since the form read the row has moved on.
        if fields := set(form.changed_data) - set(STATE_FIELDS):
            obj.save(update_fields=[*fields, "updated_at"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        post = form.instance
        content_changed = set(form.changed_data) - set(STATE_FIELDS) or any(
            formset.has_changed() for formset in formsets
        )
        if change and content_changed:
            record_edit(post=post, by=request.user)
        wanted = {name: form.cleaned_data[name] for name in STATE_FIELDS}
        try:
            change_state(post, by=request.user, **wanted)
        except ValidationError as refused:
            # The blocks are saved only now, so the photo rule is checked only now:
            # keep the work in the status it had and say what is missing.
            if post.status == Post.Status.DRAFT:
                message = _("Saved as a draft, not published: %(reasons)s")
            else:
                message = _("Saved, but its status was not changed: %(reasons)s")
            self.message_user(
                request, message % {"reasons": " ".join(refused.messages)}, messages.ERROR
            )


# What the admin's post form changes through liveblog.domain.posts, not by saving the row.
STATE_FIELDS = ("status", "pinned", "key_event")


def change_state(post: Post, *, by, status: str, pinned: bool, key_event: bool) -> None:
    """Bring the post to the status and flags chosen in the admin, as the desk would."""
    if post.status != status:
        match status:
            case Post.Status.PUBLISHED:
                publish_post(post=post, by=by, at=post.published_at)
            case Post.Status.SCHEDULED:
                schedule_post(post=post, at=post.published_at, by=by)
            case Post.Status.DRAFT:
                send_back_to_draft(post=post, by=by)
            case Post.Status.SUBMITTED:
                submit_for_review(post=post, by=by)
            case Post.Status.DELETED:
                delete_post(post=post, by=by)
    if post.pinned != pinned:
        set_pinned(post=post, pinned=pinned, by=by)
    if post.key_event != key_event:
        set_key_event(post=post, key_event=key_event, by=by)


@admin.register(Rubric)
class RubricAdmin(AuditedAdmin):
    list_display = ["name", "post_count"]
    search_fields = ["name", "key"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, rubric):
        return rubric.post_count


@admin.register(PhotoCredit)
class PhotoCreditAdmin(AuditedAdmin):
    list_display = ["label", "photographer", "agency", "via"]
    list_filter = ["agency"]
    search_fields = ["photographer", "agency", "via"]


class PhotoAdminForm(forms.ModelForm):
    # A plain file field: accept_upload decides what is an image, with clearer messages.
    image = forms.FileField(label=_("image"), widget=AdminFileWidget)

    class Meta:
        model = Photo
        fields = ["image", "caption", "alt_text", "credit", "uploaded_by"]

    def clean_image(self):
        """An upload here goes through the same checks and stripping as one from the desk."""
        image = self.cleaned_data["image"]
        if isinstance(image, UploadedFile):
            return stored_file(accept_upload(image))
        return image


@admin.register(Photo)
class PhotoAdmin(AuditedAdmin):
    """Deleted through liveblog.domain.photos, as a photo is anywhere: audited, and its
    files removed from the media storage once the deletion commits; an image replaced here
    leaves with its renditions too."""

    form = PhotoAdminForm
    list_display = ["__str__", "credit", "width", "height", "uploaded_by", "created_at"]
    list_filter = ["credit__agency", "created_at"]
    search_fields = ["caption", "alt_text", "credit__photographer", "credit__agency"]
    list_select_related = ["credit", "uploaded_by"]
    autocomplete_fields = ["credit"]
    date_hierarchy = "created_at"

    def delete_model(self, request, obj):
        delete_photo(photo=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for photo in queryset:
                delete_photo(photo=photo, by=request.user)

    def save_model(self, request, obj, form, change):
        if not obj.uploaded_by_id:
            obj.uploaded_by = request.user
        replaced = change and "image" in form.changed_data
        old_files = photo_files(Photo.objects.get(pk=obj.pk)) if replaced else []
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            obj.renditions.all().delete()
            # The replaced original and its renditions, once the new image is committed.
            transaction.on_commit(lambda: remove_files(old_files))
            make_renditions_after_commit(obj)


class BrandingAdminForm(forms.ModelForm):
    class Meta:
        model = Branding
        fields = ["name", "logo", "colour", "headline_font"]
        widgets = {"colour": forms.TextInput({"type": "color"})}

    def clean_logo(self):
        """A logo goes through the same checks and stripping as a photo."""
        logo = self.cleaned_data["logo"]
        if isinstance(logo, UploadedFile):
            return stored_file(accept_upload(logo))
        return logo


@admin.register(Branding)
class BrandingAdmin(AuditedAdmin):
    """The newsroom's name, logo and colours: one record, used on every public page."""

    form = BrandingAdminForm
    list_display = ["name", "colour", "headline_font", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Branding.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The delivery log, read-only: it is written only by the changes it records."""

    list_display = ["session", "seq", "kind", "post", "created_at"]
    list_filter = ["kind", "session"]
    list_select_related = ["session", "post"]
    readonly_fields = ["session", "seq", "kind", "post", "data", "html", "created_at"]
