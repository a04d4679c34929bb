"""The HTTP side of the ASGI application: Django's handler, with the middleware and the view
run in one go in a thread kept from one request to the next.

Django's own ASGI handler runs the middleware as coroutines. Most middleware (Django's
included) is sync code behind `MiddlewareMixin`, which then hands each `process_request`
and `process_response` to the request's thread and back (`sync_to_async`), and one
sync-only middleware in the stack switches back again. Measured on one uvicorn process
(py-spy, issue 15): a trivial view's request crossed between the event loop and its thread
about ten times, most of its 4 ms of CPU. Here the whole stack is sync and is called once
from the event loop, in the request's own thread (so the request signals, the database
connection and the view still share that thread).

Django also gives each request a new thread (a new one-thread executor, shut down by yet
another thread at the request's end): starting and joining them was a fifth of a trivial
request's CPU (py-spy, issue 15). Each request here borrows an idle one-thread executor
(asgiref's `ThreadSensitiveContext(executor=…)`), so it still has a thread to itself, as a
threaded WSGI server's request does, and the thread serves a later request afterwards.

Requests, responses, streaming and files are handled by Django's handler as before.
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler

# Threads kept waiting for the next request: enough for the requests one process has
# running at once in ordinary times; after a burst, threads beyond these are let go.
IDLE_THREADS_KEPT = 32


class RequestThreads:
    """One-thread executors lent to one request at a time."""

    def __init__(self, kept: int = IDLE_THREADS_KEPT):
        self.kept = kept
        self._idle: list[ThreadPoolExecutor] = []

    def borrow(self) -> ThreadPoolExecutor:
        # Only the event loop's thread borrows and gives back: no lock needed.
        return self._idle.pop() if self._idle else ThreadPoolExecutor(max_workers=1)

    def give_back(self, executor: ThreadPoolExecutor) -> None:
        if len(self._idle) < self.kept:
            self._idle.append(executor)
        else:
            executor.shutdown(wait=False)


class SyncStackASGIHandler(ASGIHandler):
    def __init__(self):
        super().__init__()
        self.threads = RequestThreads()

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self.threads.borrow()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self.threads.give_back(executor)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
