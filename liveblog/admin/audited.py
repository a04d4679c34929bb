"""The audit log in the admin: every admin change is written to it, and it is read-only."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db import transaction

from liveblog.domain.audit import record_change
from liveblog.domain.roles import is_editor
from liveblog.models import AuditEntry, LiveSession, Post


def record_admin_change(request, obj, action: str, fields: list[str] | None = None) -> None:
    detail = {"model": obj._meta.model_name, "id": obj.pk, "object": str(obj)[:200]}
    if fields is not None:
        detail["fields"] = fields
    session = obj if isinstance(obj, LiveSession) else None
    post = obj if isinstance(obj, Post) else None
    record_change(action, by=request.user, session=session, post=post, detail=detail)


class AuditedAdmin(admin.ModelAdmin):
    """Adds, changes and deletions made here go to the audit log (in the admin's transaction)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = [*form.changed_data, *(f.prefix for f in formsets if f.has_changed())]
        action = "admin.changed" if change else "admin.added"
        record_admin_change(request, form.instance, action, sorted(changed))

    def delete_model(self, request, obj):
        with transaction.atomic():
            record_admin_change(request, obj, "admin.deleted")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record_admin_change(request, obj, "admin.deleted")
            super().delete_queryset(request, queryset)


# People and roles too: making someone an editor is a change worth knowing about.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    pass


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass


class ReadOnlyAdmin(admin.ModelAdmin):
    """For logs written only by the changes they record: nobody adds, changes or deletes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Editors and admins read the log here; nobody adds, changes or deletes an entry."""

    list_display = ["at", "username", "action", "session_label", "post_label", "address"]
    list_filter = ["action", "at"]
    search_fields = ["username", "action", "session_label", "post_label", "address"]
    date_hierarchy = "at"
    fields = readonly_fields = [
        "at",
        "username",
        "user_id",
        "action",
        "detail",
        "session_label",
        "live_session_id",
        "post_label",
        "post_id",
        "address",
    ]

    def has_module_permission(self, request):
        return is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)
