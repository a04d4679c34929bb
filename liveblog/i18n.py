"""Language choice: the URL's `?lang=` wins, then Django's cookie and the browser."""

from django.conf import settings
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
