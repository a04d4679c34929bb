from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from liveblog import reader
from liveblog.sitemaps import robots_txt, sitemap_xml

urlpatterns = [
    path("", reader.home, name="home"),
    path("live/", include("liveblog.urls_live")),
    path("editor/", include("liveblog.urls_desk")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("liveblog.urls_api")),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "liveblog.reader.bad_request"
