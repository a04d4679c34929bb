from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from liveblog.live import views as live_views
from liveblog.live.branding import branding_css
from liveblog.live.sitemaps import robots_txt, sitemap_xml

urlpatterns = [
    path("", live_views.home, name="home"),
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

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "liveblog.live.views.bad_request"
