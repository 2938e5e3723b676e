"""The project's own PostgreSQL heals itself: concurrent starts, kills at any moment, stale files.

Each test runs servers in folders of its own (never the checkout's `.pgdata/`), driven by
short-lived Python processes, as `manage.py` commands use the server.
"""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from interviewbank import postgres_programs
from interviewbank.localdb import CHECKOUT, LocalServer

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="about the local server; DATABASE_URL is set"
)

# Uses the server in ROOT like a manage.py command: queries it, then waits or exits.
CLIENT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import psycopg
    from interviewbank.localdb import LocalServer

    root, start_at, hold = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "hold"
    time.sleep(max(0.0, start_at - time.time()))
    server = LocalServer(root)
    socket_dir = server.use()
    server.create_database("interviewbank")
    with psycopg.connect(host=str(socket_dir), user="postgres", dbname="interviewbank") as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    print("ready", flush=True)
    while hold:
        time.sleep(0.1)
    """
)


STARTED: list[subprocess.Popen] = []


def client(root: Path, *, hold: bool = False, start_at: float = 0.0) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", CLIENT, str(root), str(start_at), "hold" if hold else "exit"],
        cwd=CHECKOUT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    STARTED.append(process)
    return process


def wait_ready(process: subprocess.Popen) -> None:
    line = process.stdout.readline()
    assert line.strip() == "ready", process.stderr.read()


def finish(process: subprocess.Popen) -> None:
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors


def postmasters(root: Path) -> list[psutil.Process]:
    """The postmasters serving a cluster in root (its other processes rename themselves)."""
    data_dirs = {str(root.resolve()), str(root.resolve() / "data")}
    return [
        process
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "postgres"
        and data_dirs.intersection(process.info["cmdline"] or [])
    ]


def wait_until_stopped(root: Path, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while postmasters(root) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not postmasters(root), f"a PostgreSQL of {root} is still running"


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "pgdata"
    yield root
    while STARTED:  # a failed test leaves nothing running
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait()
    if postmasters(root):
        LocalServer(root).stop()


def test_the_last_process_out_stops_the_server(root):
    first, second = client(root, hold=True), client(root, hold=True)
    wait_ready(first)
    wait_ready(second)
    first.terminate()
    first.wait(timeout=30)
    time.sleep(2)  # longer than the watcher's round
    assert postmasters(root), "stopped while another process still used it"
    second.terminate()
    second.wait(timeout=30)
    wait_until_stopped(root, seconds=3)


def test_sigterm_ends_a_command_as_cleanly_as_ctrl_c(root):
    holder = client(root, hold=True)
    wait_ready(holder)
    holder.send_signal(signal.SIGTERM)
    assert holder.wait(timeout=30) == 128 + signal.SIGTERM
    # Its exit handler ran: the server stopped at once and nothing names the process.
    assert not postmasters(root)
    assert not list((root / "clients").iterdir())


def test_a_killed_process_does_not_keep_the_server_running(root):
    holder = client(root, hold=True)
    wait_ready(holder)
    holder.kill()
    holder.wait(timeout=30)
    wait_until_stopped(root, seconds=5)
    finish(client(root))  # and the next command starts it again


def test_two_checkouts_and_two_commands_each_start_at_the_same_moment(tmp_path):
    roots = [tmp_path / "one" / ".pgdata", tmp_path / "two" / ".pgdata"]
    for path in roots:
        path.parent.mkdir()
    try:
        for _ in range(10):
            start_at = time.time() + 1.5  # all four past their imports, then at once
            processes = [client(path, start_at=start_at) for path in roots for _ in range(2)]
            for process in processes:
                finish(process)
            for path in roots:
                wait_until_stopped(path, seconds=5)
    finally:
        for path in roots:
            if postmasters(path):
                LocalServer(path).stop()


def test_a_start_killed_during_initdb_recovers_by_itself(root):
    starting = client(root)
    deadline = time.monotonic() + 60
    while not list(root.glob("data.new-*")) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert list(root.glob("data.new-*")), "initdb was never seen running"
    os.killpg(starting.pid, signal.SIGKILL)  # the command and its initdb, as a tool's timeout does
    starting.wait(timeout=30)

    finish(client(root))
    assert not list(root.glob("data.new-*"))
    assert (root / "data" / "PG_VERSION").exists()
    wait_until_stopped(root)


@pytest.mark.parametrize(
    "content",
    ["", "12", "4194303\n/nowhere\n", "not a number\n"],
    ids=["empty", "half-written", "a process that is gone", "garbage"],
)
def test_a_stale_or_half_written_postmaster_pid_is_removed(root, content):
    finish(client(root))
    wait_until_stopped(root)
    (root / "data" / "postmaster.pid").write_text(content)

    finish(client(root))
    wait_until_stopped(root)


def test_empty_and_corrupt_state_files_are_ignored(root):
    finish(client(root))
    wait_until_stopped(root)
    (root / "clients" / "1").write_text("")  # pid 1 lives, but not since this moment
    (root / "clients" / "4194303").write_text("{not json")
    (root / "watcher").write_text("")
    (root / ".handle_pids.json").write_text("")  # what an earlier version left behind

    holder = client(root, hold=True)
    wait_ready(holder)
    assert sorted(p.name for p in (root / "clients").iterdir()) == [str(holder.pid)]
    holder.kill()
    holder.wait(timeout=30)
    wait_until_stopped(root, seconds=5)


def test_a_checkout_from_before_keeps_its_cluster_in_pgdata_itself(root):
    root.mkdir()
    os.chmod(root, 0o700)
    if os.geteuid() == 0:
        postgres_programs.hand_to_system_user(root)
    subprocess.run(
        [postgres_programs.program("initdb"), "-D", str(root), "--auth=trust", "-U", "postgres"],
        check=True,
        capture_output=True,
        user=postgres_programs.system_user(),
    )
    # What the first start left when it was killed: a half-written postmaster.pid.
    (root / "postmaster.pid").write_text("4194303\n")

    finish(client(root))
    assert not (root / "data").exists()
    wait_until_stopped(root)


def test_a_cluster_that_cannot_start_and_holds_nothing_of_ours_is_rebuilt(root):
    finish(client(root))
    wait_until_stopped(root)
    shutil.rmtree(root / "data" / "global")  # as if initdb had been cut short in place
    # Its one database of ours would make it worth keeping; drop it from the picture.
    for database in (root / "data" / "base").iterdir():
        if database.name not in {"1", "4", "5"}:
            shutil.rmtree(database)

    finish(client(root))
    wait_until_stopped(root)
