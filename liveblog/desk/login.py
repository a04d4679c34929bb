"""Login throttling: too many failed attempts on one account, or from one address, lock it out
for a while. Counts live in the cache (Redis when REDIS_URL is set, so all processes agree).

Redis down does not stop anyone logging in: the counts are then kept in each server
process (a fallback, logged), so throttling goes on, per process, until Redis is back.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from liveblog.content.text import fold
from liveblog.resilient_cache import ResilientCache

cache = ResilientCache("login throttling", fallback=True)


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request else ""


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    keys = [(f"login-fail:user:{fold(username)}", settings.LOGIN_FAILURES_PER_ACCOUNT)]
    if address:
        keys.append((f"login-fail:addr:{address}", settings.LOGIN_FAILURES_PER_ADDRESS))
    return keys


def is_locked_out(username: str, address: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(username, address))


def record_failure(username: str, address: str) -> None:
    for key, _limit in _keys(username, address):
        if cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str) -> None:
    cache.delete(f"login-fail:user:{fold(username)}")


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form of the desk and of the admin."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed login attempts. For your security, try again in %(minutes)s minutes."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if is_locked_out(username, address):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(username, address)
            raise
        clear_failures(username)
        return cleaned
