"""The HTTP side of the ASGI application: Django's handler, with the middleware and the view
run in one go in the request's thread.

Django's own ASGI handler runs the middleware as coroutines. Most middleware (Django's
included) is sync code behind `MiddlewareMixin`, which then hands each `process_request`
and `process_response` to the request's thread and back (`sync_to_async`), and one
sync-only middleware in the stack switches back again. Measured on one uvicorn process
(py-spy, issue 15): a trivial view's request crossed between the event loop and its thread
about ten times, most of its 4 ms of CPU. Here the whole stack is sync and is called once
from the event loop, in the same per-request thread Django gives the view (so the request
signals, the database connection and the view still share that thread).

Requests, responses, streaming and files are handled by Django's handler as before.
"""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncStackASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
