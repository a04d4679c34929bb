from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from liveblog.live import views as live_views
from liveblog.live.branding import branding_css
from liveblog.live.http_cache import LIVES, lives_version, validated
from liveblog.live.media import media_file
from liveblog.live.sitemaps import robots_txt, sitemap_xml

urlpatterns = [
    path(
        "",
        validated(lives_version, LIVES, in_reader_language=True)(live_views.home),
        name="home",
    ),
    path("live/", include("liveblog.live.urls")),
    path("editor/", include("liveblog.desk.urls")),
    path("admin/", admin.site.urls),
    # The language choice is no secret worth forging, and public pages are cached for all
    # readers (no per-reader CSRF token in them): the switcher posts without one.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("liveblog.live.api_urls")),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("branding.css", branding_css, name="branding-css"),
]

if settings.LIVEBLOG_SERVE_MEDIA:
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", media_file, name="media"))

# JSON under /api/, pages elsewhere (liveblog.live.api).
handler400 = "liveblog.live.api.error_400"
handler403 = "liveblog.live.api.error_403"
handler404 = "liveblog.live.api.error_404"
handler500 = "liveblog.live.api.error_500"
