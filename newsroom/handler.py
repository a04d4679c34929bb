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

Django's handler also crosses to that thread and back three times per request: to send
`request_started`, to run the stack, and to close the response (`request_finished`). Here
one crossing sends the signal, runs the stack and, for a response already complete (not
streamed), closes it before it is sent: its bytes are in memory, and its database
connection goes back to the pool sooner. A streamed response is closed after it is sent, as
Django does.

Requests, responses, streaming and files are otherwise handled by Django's handler.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix

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

    async def handle(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            set_script_prefix(get_script_prefix(scope))
            response = None
            try:
                async with asyncio.TaskGroup() as tasks:
                    tasks.create_task(self.listen_for_disconnect(receive))
                    respond = sync_to_async(self.respond, thread_sensitive=True)
                    response = await respond(scope, body_file)
                    await self.send_response(response, send)
                    raise RequestProcessed
            except* (RequestProcessed, RequestAborted):
                pass
            if response is None:
                await signals.request_finished.asend(sender=self.__class__)
            elif response.streaming:
                await sync_to_async(response.close, thread_sensitive=True)()

    def respond(self, scope, body_file):
        """In the request's thread: Django's start of a request, its answer, and the end of
        it when the answer is complete."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response


class RequestProcessed(Exception):
    """The answer is sent: stop listening for the client's disconnect."""
