"""Issue 15's scenarios on several app processes: `scale` (tens of thousands of readers
across processes, with Redis) and `deploy` (the processes restarted one by one while posts
go out).

Production runs one process of the production command per port (newsroom/serve.py,
deploy/systemd/liveblog-app@.service) behind nginx's upstream. Here nginx's part is played
two ways, without a process of its own in the measured path:

- `scale`: one port per process, readers spread evenly over the ports (nginx's round robin),
  so that no process goes past its file limit (20,000, `ulimit -Hn`).
- `deploy`: every process accepts on one listening socket this bench holds (uvicorn's `--fd`):
  a reader dropped by a stopping process reconnects to whichever process is up, as it would
  through nginx, and a restarted process takes new readers as soon as it serves.

Every loop is bounded in count and in time.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil

from bench import publishing
from bench.load import Crowd
from bench.publishing import DeskPublisher, Publisher, fresh_session
from bench.scenarios import (
    DatabaseConnections,
    MachineLoad,
    Mode,
    get,
    measure_idle,
    percentiles,
    publish_series,
    quantiles,
    recovery_curve,
    without_latencies,
)
from bench.servers import (
    HOST,
    LOGS,
    ROOT,
    Server,
    bench_environment,
    free_port,
    listening_socket,
    raise_file_limit,
)
from newsroom.serve import uvicorn_command

# uvicorn's graceful shutdown is 10 s (newsroom/serve.py); past this a stop is a kill.
STOP_SECONDS = 30


class Fleet:
    """`count` app processes, each the production command; `shared`: all on one listening
    socket (see the module's docstring), else each on a port of its own."""

    def __init__(self, count: int, name: str, shared: bool = False):
        self.name = name
        self.shared = listening_socket(free_port()) if shared else None
        if self.shared:
            self.ports = [self.shared.getsockname()[1]] * count
        else:
            self.ports = [free_port() for _ in range(count)]
        self.processes: list[subprocess.Popen | None] = [None] * count

    def command(self, index: int) -> list[str]:
        command = [*uvicorn_command(host=HOST, port=self.ports[index]), "--backlog", "4096"]
        if self.shared:
            command += ["--fd", str(self.shared.fileno())]
        return command

    def log(self, index: int) -> Path:
        LOGS.mkdir(parents=True, exist_ok=True)
        return LOGS / f"{self.name}-{index}.log"

    def start(self, timeout: float = 60) -> None:
        for index in range(len(self.processes)):
            self.start_one(index)
        for index in range(len(self.processes)):
            self.wait_ready(index, timeout)

    def start_one(self, index: int) -> None:
        fds = (self.shared.fileno(),) if self.shared else ()
        with self.log(index).open("a") as log:
            self.processes[index] = subprocess.Popen(
                self.command(index),
                cwd=ROOT,
                env=bench_environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=fds,
                preexec_fn=raise_file_limit,
            )

    def wait_ready(self, index: int, timeout: float = 60) -> float:
        """Seconds until process `index` serves; raises if it exits or takes `timeout`."""
        began = time.monotonic()
        while time.monotonic() < began + timeout:
            if self.processes[index].poll() is not None:
                error = self.log(index).read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.name} process {index} exited at start:\n{error}")
            if self.serving(index):
                return time.monotonic() - began
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} process {index} did not serve within {timeout}s")

    def serving(self, index: int) -> bool:
        if self.shared is None:
            try:
                with socket.create_connection((HOST, self.ports[index]), 1):
                    return True
            except OSError:
                return False
        # On the shared socket a connection is queued before any process serves it. uvicorn
        # makes its own copy of the socket (socket.fromfd) when it starts serving: two
        # descriptors of the process then name the socket's inode.
        inode = os.fstat(self.shared.fileno()).st_ino
        return descriptors_of(self.processes[index].pid, f"socket:[{inode}]") >= 2

    def stop_one(self, index: int) -> float:
        """SIGTERM, as systemd stops a unit; seconds until the process exited."""
        process, began = self.processes[index], time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            Server.kill_tree(process)
        self.processes[index] = None
        return time.monotonic() - began

    def running(self) -> list[subprocess.Popen]:
        return [p for p in self.processes if p is not None and p.poll() is None]

    def readers_per_process(self) -> list[int]:
        """Connections each process holds on its serving port: how the readers are spread."""
        counts = []
        for process, port in zip(self.processes, self.ports, strict=True):
            try:
                found = psutil.Process(process.pid).net_connections(kind="tcp")
            except (AttributeError, psutil.Error):
                found = []
            counts.append(
                sum(c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port for c in found)
            )
        return counts

    def rss(self) -> int:
        total = 0
        for process in self.running():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += psutil.Process(process.pid).memory_info().rss
        return total

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in self.running():
            with contextlib.suppress(psutil.NoSuchProcess):
                times = psutil.Process(process.pid).cpu_times()
                total += times.user + times.system
        return total

    def close(self) -> None:
        for process in self.running():
            process.send_signal(signal.SIGINT)
        for process in self.running():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                Server.kill_tree(process)
        self.processes = [None] * len(self.processes)
        if self.shared:
            self.shared.close()


def descriptors_of(pid: int, target: str) -> int:
    found = 0
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                found += os.readlink(fd) == target
    return found


def socket_url(port: int, slug: str) -> str:
    return f"ws://{HOST}:{port}/ws/live/{slug}/?after={{after}}"


def catchup_url(port: int, slug: str) -> str:
    return f"http://{HOST}:{port}/live/{slug}/events?after={{after}}"


def scale(mode: Mode) -> dict:
    """`mode.scale_readers` readers on `mode.scale_processes` processes with Redis: how long
    until all are connected, the servers' memory per 1,000 idle readers (every process,
    above the same processes with no reader), then a few posts through the desk, delivered
    to all of them (p99, missing, repeated). The load client's memory too."""
    readers, processes = mode.scale_readers, mode.scale_processes
    slug = publishing.slug("scale")
    session = fresh_session(slug)
    fleet = Fleet(processes, "scale")
    crowd = Crowd(mode.scale_client_processes)
    result = {
        "readers": readers,
        "processes": processes,
        "client_processes": mode.scale_client_processes,
        "posts": mode.scale_posts,
    }
    try:
        fleet.start()
        # Every process serves the page before the empty measure, as behind nginx's round
        # robin (a reader loads the page, then opens its socket): a process's one-time
        # warm-up (~7 MiB on its first request) is not a reader's memory.
        for port in fleet.ports:
            get(f"http://{HOST}:{port}{session.get_absolute_url()}")
        publisher = DeskPublisher(session, (HOST, fleet.ports[0]))
        publisher.prepare(mode.scale_posts)
        time.sleep(mode.settle)
        result["idle_empty"] = measure_idle(fleet, mode.idle_seconds)
        client_empty = crowd.count()["rss"]
        load = MachineLoad(fleet, crowd)
        urls = [socket_url(port, slug) for port in fleet.ports]
        after = publisher.last_seq()
        result["connect"] = crowd.connect(
            readers, urls, after, catchup_url(fleet.ports[0], slug), True
        )
        time.sleep(mode.settle)
        result["idle"] = measure_idle(fleet, mode.idle_seconds)
        held = crowd.count()
        result["held"] = held["connected"]
        result["readers_per_process"] = fleet.readers_per_process()
        per = 1000 / max(held["readers"], 1) / 2**20
        result["mib_per_thousand"] = (result["idle"]["rss"] - result["idle_empty"]["rss"]) * per
        result["client_rss"] = held["rss"]
        result["client_mib_per_thousand"] = (held["rss"] - client_empty) * per
        cpu = fleet.cpu_seconds()
        published, seconds = publish_series(publisher, mode.scale_posts, mode.scale_interval)
        counts = crowd.collect(published, mode.scale_wait)
        result["cpu_us_per_delivery"] = (
            (fleet.cpu_seconds() - cpu) * 1e6 / max(counts["delivered"], 1)
        )
        latencies = counts.pop("latencies_ms")
        result["publish_ms"] = percentiles([s * 1000 for s in seconds])
        result["latency_ms"] = percentiles(latencies)
        result["latency_quantiles_ms"] = quantiles(latencies)
        result["deliveries"] = counts
        result["complete"] = (
            counts["readers"] == readers
            and counts["delivered"] == readers * mode.scale_posts
            and not counts["repeats"]
        )
        result["load"] = load.finish()
        print(
            f"  scale: {held['readers']:,}/{readers:,} readers on {processes} processes in "
            f"{result['connect']['seconds']:.1f}s, {result['mib_per_thousand']:.1f} MiB per "
            f"1,000; p99 {result['latency_ms'].get('p99')} ms, "
            f"{counts['delivered']:,}/{readers * mode.scale_posts:,} delivered",
            flush=True,
        )
    finally:
        crowd.quit()
        fleet.close()
    return result


def rolling_deploy(mode: Mode) -> dict:
    """`mode.deploy_processes` processes on one socket, `mode.deploy_readers` readers spread
    over them; each process in turn is stopped (SIGTERM, waited for), a post goes out while
    it is down, it is started again, a post goes out once it serves. Then: how long after
    the last process is back until every reader is current, lost and repeated deliveries,
    5xx answers, the most PostgreSQL connections. Posts are published with the ORM (the
    desk is a process of the deploy too; its requests are not what is measured here)."""
    readers, processes = mode.deploy_readers, mode.deploy_processes
    slug = publishing.slug("deploy")
    publisher = Publisher(fresh_session(slug))
    publisher.prepare(2 * processes + 4)
    fleet = Fleet(processes, "deploy", shared=True)
    crowd = Crowd(mode.client_processes)
    port = fleet.ports[0]
    result = {"readers": readers, "processes": processes, "restarts": []}
    connections = DatabaseConnections()
    try:
        fleet.start()
        result["connect"] = crowd.connect(
            readers, [socket_url(port, slug)], publisher.last_seq(), catchup_url(port, slug), True
        )
        time.sleep(mode.settle)
        result["readers_per_process_before"] = fleet.readers_per_process()
        before, _seconds = publish_series(publisher, 2, 0.5)
        result["before"] = without_latencies(crowd.collect(before, mode.delivery_wait))
        during = {}
        with connections:
            began = time.monotonic()
            for index in range(processes):
                stopping = fleet.stop_one(index)
                seq, started, _took = publisher.publish()
                during[seq] = started
                fleet.start_one(index)
                starting = fleet.wait_ready(index)
                back = time.monotonic()  # the last value: when the last process serves
                seq, started, _took = publisher.publish()
                during[seq] = started
                result["restarts"].append(
                    {"process": index, "stopping_s": stopping, "starting_s": starting}
                )
            counts = without_latencies(crowd.collect(during, 120, per_reader=True))
        result["recovery"] = recovery_curve(counts.pop("current_times"), back, readers)
        result["during"] = counts
        result["deploy_seconds"] = back - began
        result["current_after_last_back_s"] = max(0.0, counts["current_at"] - back)
        result["database_connections_max"] = connections.most
        result["readers_per_process_after"] = fleet.readers_per_process()
        after, _seconds = publish_series(publisher, 2, 0.5)
        result["after"] = without_latencies(crowd.collect(after, mode.delivery_wait))
        everything = {**before, **during, **after}
        total = without_latencies(crowd.collect(everything, 1))
        result["total"] = total
        result["complete"] = (
            total["readers"] == readers
            and total["delivered"] == readers * len(everything)
            and not total["repeats"]
        )
        print(
            f"  deploy: {processes} processes restarted in {result['deploy_seconds']:.1f}s, "
            f"{readers} readers current {result['current_after_last_back_s']:.1f}s after the "
            f"last was back, {total['delivered']}/{readers * len(everything)} delivered, "
            f"{total['repeats']} repeated, {total['server_errors']} 5xx",
            flush=True,
        )
    finally:
        crowd.quit()
        fleet.close()
    return result
