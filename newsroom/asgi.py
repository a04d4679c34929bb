import os

import django

from newsroom.handler import SyncStackASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does
django_asgi_app = SyncStackASGIHandler()

# These need Django set up first.
from channels.routing import ProtocolTypeRouter  # noqa: E402

from liveblog.delivery.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application})
