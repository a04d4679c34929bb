"""Language choice: the URL's `?lang=` wins, then Django's cookie and the browser."""

from django.conf import settings
from django.middleware import locale
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageFromQueryMiddleware:
    """Runs after LocaleMiddleware, so a `?lang=en` link overrides the browser's choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request.GET.get("lang", "")
        if lang in SUPPORTED:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        if lang in SUPPORTED:
            response.headers.setdefault("Content-Language", lang)
        return response


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, except for an answer marked `same_in_every_language`: a live's pages, feeds,
    catch-up and API follow the live's language, not the reader's, so they do not say they
    vary with Accept-Language. A CDN then keeps one copy of each, not one per browser's list
    of languages (there are thousands of those)."""

    def process_response(self, request, response):
        if getattr(response, "same_in_every_language", False):
            return response
        return super().process_response(request, response)
