import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django_asgi_app = get_asgi_application()

# These need Django set up first.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from liveblog.consumers import LiveConsumer  # noqa: E402
from liveblog.guards import Backpressure, SocketsPerAddress  # noqa: E402

websocket_urls = [path("ws/live/<slug:slug>/", LiveConsumer.as_asgi())]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Pages on other sites must not open readers' sockets on our behalf; one address
        # may not hold more than its share of sockets, nor a reader that does not read
        # make the server hold what it is owed.
        "websocket": Backpressure(
            SocketsPerAddress(AllowedHostsOriginValidator(URLRouter(websocket_urls)))
        ),
    }
)
