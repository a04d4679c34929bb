from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from liveblog.live import views as live_views
from liveblog.live.sitemaps import robots_txt, sitemap_xml

urlpatterns = [
    path("", live_views.home, name="home"),
    path("live/", include("liveblog.live.urls")),
    path("editor/", include("liveblog.desk.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("liveblog.live.api_urls")),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "liveblog.live.views.bad_request"
