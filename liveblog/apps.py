from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveblogConfig(AppConfig):
    name = "liveblog"
    verbose_name = _("Directs")

    def ready(self) -> None:
        # Delivery hears of committed events; the domain that records them does not name it.
        from liveblog.delivery.fanout import fan_out
        from liveblog.domain.events import on_event_committed

        on_event_committed(fan_out)
