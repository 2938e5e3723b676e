"""Requests against the served app: one at a time (latency alone) and at 8 connections.

Loopback only, bounded in count and time. Under load, `wrk` (Debian package) is used when
installed: a Python client would need as much CPU as the server it measures. Without it, a
small thread-based generator gives rougher figures and says so.
"""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Target:
    """One page of the benchmark."""

    name: str
    path: str
    samples: list[float] = field(default_factory=list)  # seconds, one request at a time
    # The server to ask, when not the one measure_alone() is given.
    client: Client | None = None


@dataclass
class Load:
    """What one target sustained at N connections."""

    requests_per_second: float
    p99_ms: float
    requests: int
    errors: int
    tool: str


class Client:
    """GETs on the served app with the benchmark user's session cookie."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.cookie = cookie

    def get(self, path: str, timeout: float = 30) -> tuple[int, float]:
        """(status, seconds) for one request on a fresh connection, as sync workers close it."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers={"Cookie": self.cookie})
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        return response.status, time.perf_counter() - started


def measure_alone(
    client: Client | None, targets: list[Target], *, rounds: int, max_seconds: float
) -> int:
    """Request every target in turn (from its own client, if it has one), round after round,
    so noise hits them all alike.

    Stops after `rounds` rounds or `max_seconds` (at least 20 rounds). Returns rounds run.
    """
    started = time.monotonic()
    done = 0
    while done < rounds and (done < 20 or time.monotonic() - started < max_seconds):
        for target in targets:
            status, seconds = (target.client or client).get(target.path)
            if status != 200:
                raise RuntimeError(f"GET {target.path} answered {status}, not 200.")
            target.samples.append(seconds)
        done += 1
    return done


def percentile(samples: list[float], share: float) -> float:
    """The `share` (0 to 1) percentile by the nearest-rank method."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def load(client: Client, path: str, *, connections: int, seconds: float) -> Load:
    """Hammer one path with `connections` connections for `seconds`."""
    if shutil.which("wrk"):
        return _wrk(client, path, connections=connections, seconds=seconds)
    return _threads(client, path, connections=connections, seconds=seconds)


def start_load(client: Client, path: str, *, connections: int, seconds: float) -> LoadRun:
    """Start `load()` in the background; `.result()` waits for it."""
    return LoadRun(client, path, connections=connections, seconds=seconds)


class LoadRun:
    def __init__(self, client: Client, path: str, *, connections: int, seconds: float) -> None:
        self._result: Load | None = None
        self._thread = threading.Thread(
            target=self._run, args=(client, path, connections, seconds), daemon=True
        )
        self._thread.start()

    def _run(self, client: Client, path: str, connections: int, seconds: float) -> None:
        self._result = load(client, path, connections=connections, seconds=seconds)

    def result(self) -> Load:
        self._thread.join()
        if self._result is None:
            raise RuntimeError("The background load failed; see the error above.")
        return self._result


# Internals ------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _wrk(client: Client, path: str, *, connections: int, seconds: float) -> Load:
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "30s",
        "-H",
        f"Cookie: {client.cookie}",
        f"http://127.0.0.1:{client.port}{path}",
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    if not total:
        return Load(0.0, float("nan"), 0, 1, "wrk")
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M).groups()
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (int(timeouts.group(1)) if timeouts else 0)
    return Load(rate, float(value) * _UNITS[unit], total, errors, "wrk")


def _threads(client: Client, path: str, *, connections: int, seconds: float) -> Load:
    """A bounded stand-in for wrk: `connections` threads, each one request at a time."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    cap = 200_000  # requests in all, whatever the speed

    def worker() -> None:
        mine: list[float] = []
        while time.monotonic() < deadline and len(mine) < cap // connections:
            try:
                status, elapsed = client.get(path)
            except OSError:
                status, elapsed = 0, 0.0
            if status != 200:
                with lock:
                    errors[0] += 1
            mine.append(elapsed)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.monotonic() - started
    p99 = percentile(latencies, 0.99) * 1e3 if latencies else float("nan")
    return Load(len(latencies) / elapsed, p99, len(latencies), errors[0], "python threads")
