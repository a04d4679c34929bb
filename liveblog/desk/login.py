"""The login form of the desk and of the admin, and how django-axes counts its failures.

django-axes records every failed login in the database (so every server process agrees,
and a login still works when Redis is down) and refuses a username from an address once
that pair has failed `AXES_FAILURE_LIMIT` times. It locks the pair, never the username
alone nor the address alone: someone guessing names from elsewhere, or colleagues behind
the newsroom's one address mistyping theirs, cannot lock a journalist out. Admins see the
lockouts under "Axes" in the admin and lift one by deleting it.

The address is the one `liveblog.client_address` finds (the proxy's header only from a
trusted proxy), as for the audit log.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse, HttpResponseBase
from django.utils.translation import gettext_lazy as _

from liveblog.content.text import fold


def lockout_username(request, credentials: dict | None) -> str:
    """The name a failure counts against: "Jeanne" and "jeanne " are one account."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username", "")
    return fold(username or "")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Says, in the reader's language, that a login is refused for a while."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed login attempts. For your security, try again in %(minutes)s minutes."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # Set by axes when this failure reached the limit or the pair was already locked
            # (its backend then refused before the password was even checked).
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(
                    self.error_messages["throttled"],
                    code="throttled",
                    params={"minutes": lockout_minutes()},
                ) from None
            raise


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponseBase:
    """What AxesMiddleware sends on a lockout: the login page the form already made, which
    says so in the reader's language and keeps the username typed."""
    if isinstance(original_response, HttpResponseBase):
        return original_response
    message = ThrottledAuthenticationForm.error_messages["throttled"]
    return HttpResponse(message % {"minutes": lockout_minutes()}, status=429)
