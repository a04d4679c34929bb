"""The websockets, behind their guards: what `newsroom.asgi` serves under `websocket`."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path, re_path

from liveblog.delivery.consumer import NoSuchSocket, live_socket
from liveblog.delivery.desk_channel import DeskConsumer
from liveblog.delivery.guards import Backpressure, SocketsPerAddress

websocket_urls = [
    path("ws/live/<slug:slug>/", live_socket),
    # The desk's own socket reads the login session; the readers' one never needs it.
    path("ws/desk/<slug:slug>/", AuthMiddlewareStack(DeskConsumer.as_asgi())),
]
# Any other path is refused at the handshake, quietly (see NoSuchSocket).
refuse_the_rest = [re_path(r"", NoSuchSocket.as_asgi())]


def reader_socket_path(slug: str) -> str:
    """The path of `websocket_urls` for one live (Django cannot reverse a Channels route)."""
    return f"/ws/live/{slug}/"


# Pages on other sites must not open readers' sockets on our behalf; one address may not
# hold more than its share of sockets, nor a reader that does not read make the server hold
# what it is owed.
websocket_application = Backpressure(
    SocketsPerAddress(AllowedHostsOriginValidator(URLRouter(websocket_urls + refuse_the_rest)))
)
