"""The app served for the benchmark as `make serve` serves it: gunicorn, its workers and
the sentence encoder beside them, and the figures read off their processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
# As interviewbank/gunicorn.conf.py counts them for `make serve`.
WORKERS = int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1)


# The served app -------------------------------------------------------------------------


def environment(url: str, secret: str) -> dict[str, str]:
    """`make serve`'s environment, on loopback over plain HTTP."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secret,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback, as the README says for trying production locally.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        # The throttles still run on every API request, but never refuse the benchmark.
        "API_THROTTLE_USER": "100000000/minute",
        "API_THROTTLE_ANON": "100000000/minute",
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "1"),
        "BIND_HOST": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    if args[0] == "run_probe":
        command = [PYTHON, "-m", "bench.probe"]
        # Its requests are for counting queries; their log lines would drown the report.
        env = {**env, "LOG_LEVEL": "WARNING"}
    else:
        command = [PYTHON, "manage.py", *args]
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return done.stdout or ""


@contextmanager
def served(env: dict[str, str], label: str):
    """gunicorn as `make serve` runs it; yields (port, master process)."""
    port = free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = open(RESULTS / f"gunicorn-{label}.log", "w")  # noqa: SIM115 - closed below
    master = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "--config",
            "interviewbank/gunicorn.conf.py",
            # Recycling workers every 1,000 requests would measure Django starting up.
            "--max-requests",
            "0",
            "interviewbank.wsgi",
        ],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=log,
        stderr=log,
    )
    try:
        wait_until_up(port, master)
        yield port, master
    finally:
        master.terminate()
        try:
            master.wait(timeout=30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait()
        log.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, master: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    client = load.Client(port, "")
    while time.monotonic() < deadline:
        if master.poll() is not None:
            sys.exit(
                f"gunicorn stopped (exit {master.returncode}); see bench/results/gunicorn-*.log"
            )
        try:
            if client.get("/healthz", timeout=2)[0] == 200 and len(workers(master.pid)) == WORKERS:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz within a minute.")


def workers(master_pid: int) -> list[int]:
    """The gunicorn master's worker processes, from /proc."""
    return [pid for pid, encoder in children(master_pid) if not encoder]


def encoders(master_pid: int) -> list[int]:
    """The sentence encoder the master started beside its workers (questions/search/encoder.py)."""
    return [pid for pid, encoder in children(master_pid) if encoder]


def children(master_pid: int) -> list[tuple[int, bool]]:
    """The master's child processes, each with whether it is the sentence encoder."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            children.append((int(stat.parent.name), b"questions.search.encoder" in command))
    return children


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
