"""A fresh checkout, used as a newcomer and as process managers use it, never breaks itself.

The tests copy the checkout (what `git` tracks, as a clone would hold it) to a folder of its
own and run the README's commands there, as written, with nothing exported: the first start
killed at several moments, `make run` stopped with SIGTERM while a `manage.py` command runs
beside it, and each command of the quick start, "People and groups" and "Backups". They run
in order, on the same copy, and take a few minutes (one install, one `make test` of a few modules).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from interviewbank.localdb import CHECKOUT

README = (CHECKOUT / "README.md").read_text()
# Set for the `make test` this module runs inside the copy, which would otherwise start again.
NESTED = "INTERVIEWBANK_NESTED_CHECKOUT_TEST"
COPY_TESTS = "tests/test_fixtures.py tests/test_models.py tests/search/test_search_quality.py"

pytestmark = [
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")), reason="about the local server; DATABASE_URL is set"
    ),
    pytest.mark.skipif(bool(os.environ.get(NESTED)), reason="already inside a copy"),
    pytest.mark.skipif(not (CHECKOUT / ".git").exists(), reason="needs the git checkout"),
]


def newcomer_environment() -> dict[str, str]:
    """A login shell's environment: nothing of this project exported."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TERM", "USER", "LOGNAME", "TMPDIR", "SHELL"}
    return {name: value for name, value in os.environ.items() if name in keep}


@pytest.fixture(scope="module")
def checkout() -> Path:
    # Not under pytest's own temporary folder: the `make test` run inside the copy makes that
    # folder private again, and as root the copy's PostgreSQL runs as another user.
    parent = Path(tempfile.mkdtemp(prefix="interviewbank-checkout-"))
    copy = parent / "interviewbank"
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=CHECKOUT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (file.decode() for file in files)):
        source = CHECKOUT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    yield copy
    for process in psutil.process_iter(["cwd"]):
        if process.info["cwd"] and process.info["cwd"].startswith(str(copy)):
            process.kill()  # what a failed test left running
    for process in postmasters(copy):
        process.kill()
    shutil.rmtree(parent, ignore_errors=True)


def run(checkout: Path, command: str, timeout: float = 900, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        shell=True,
        cwd=checkout,
        env={**newcomer_environment(), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start(checkout: Path, command: str, log: Path, **env) -> subprocess.Popen:
    with open(log, "w") as output:
        return subprocess.Popen(
            ["/bin/sh", "-c", f"exec {command}"],
            cwd=checkout,
            env={**newcomer_environment(), **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def postmasters(checkout: Path) -> list[psutil.Process]:
    data_dirs = {str(checkout / ".pgdata"), str(checkout / ".pgdata" / "data")}
    return [
        process
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "postgres"
        and data_dirs.intersection(process.info["cmdline"] or [])
    ]


def assert_no_server_left(checkout: Path) -> None:
    wait_for(lambda: not postmasters(checkout), 10, "the local PostgreSQL to stop")


def kill_when(checkout: Path, command: str, moment, what: str) -> None:
    """Start `command`, and SIGKILL it and everything it started at `moment`."""
    log = checkout.parent / "killed.log"
    process = start(checkout, command, log)
    try:
        wait_for(lambda: moment() or process.poll() is not None, 600, what)
        assert process.poll() is None, f"finished before {what}:\n{log.read_text()}"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MakeRun:
    """`make run` in the background, on a port of its own."""

    def __init__(self, checkout: Path) -> None:
        self.checkout = checkout
        self.port = free_port()
        self.log = checkout.parent / "make-run.log"
        self.process = start(checkout, f"make run PORT={self.port}", self.log)
        wait_for(self.serving, 600, f"make run to serve:\n{self.log}")

    def serving(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            url = f"http://127.0.0.1:{self.port}/accounts/login/"
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            time.sleep(0.2)
            return False

    def stop(self, signum: int = signal.SIGTERM) -> None:
        self.process.send_signal(signum)  # to make alone, as `kill <pid>` and systemd do
        self.process.wait(timeout=60)
        wait_for(lambda: not self.runservers(), 10, "runserver to exit")

    def runservers(self) -> list[psutil.Process]:
        return [
            process
            for process in psutil.process_iter(["cmdline", "cwd"])
            if "runserver" in (process.info["cmdline"] or [])
            and f"127.0.0.1:{self.port}" in (process.info["cmdline"] or [])
        ]


def test_a_first_start_killed_at_any_moment_recovers_by_itself(checkout):
    venv_made = checkout / ".venv" / "bin" / "python"
    kill_when(checkout, "make db", venv_made.exists, "venv creation")
    assert not list((checkout / ".venv").glob("lib/python*/site-packages/pip")), "killed too late"

    kill_when(
        checkout, "make db", lambda: bool(list(checkout.glob(".pgdata/data.new-*"))), "initdb"
    )
    kill_when(
        checkout,
        "make db",
        lambda: "Applying" in (checkout.parent / "killed.log").read_text(),
        "migrate",
    )
    assert_no_server_left(checkout)

    served = MakeRun(checkout)
    served.stop()
    assert_no_server_left(checkout)


def test_sigterm_on_make_run_with_a_command_beside_it_leaves_nothing_behind(checkout):
    for _ in range(5):
        served = MakeRun(checkout)
        try:
            beside = run(checkout, ".venv/bin/python manage.py shell -c 'print(1 + 1)'")
            assert beside.returncode == 0, beside.stderr
            assert beside.stdout.splitlines()[-1] == "2"
        finally:
            served.stop(signal.SIGTERM)
        assert_no_server_left(checkout)
        assert not list((checkout / ".pgdata" / "clients").iterdir())


def test_empty_and_corrupt_state_files_heal_by_themselves(checkout):
    pgdata = checkout / ".pgdata"
    (pgdata / "clients" / "4194303").write_text("")
    (pgdata / "watcher").write_text("{")
    (pgdata / ".handle_pids.json").write_text("")
    (pgdata / "data" / "postmaster.pid").write_text("12")

    served = MakeRun(checkout)
    served.stop()
    assert_no_server_left(checkout)


def readme_section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def shell_block(section: str) -> list[str]:
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]


def test_the_readme_commands_work_as_written_with_nothing_exported(checkout):
    quick_start = shell_block(readme_section("Quick start"))
    assert quick_start == ["make run", "make test"]

    served = MakeRun(checkout)
    try:
        # "People and groups": create an admin non-interactively, the placeholders filled in.
        people = readme_section("People and groups")
        command = re.search(r"`(DJANGO_SUPERUSER_USERNAME=.*?--noinput)`", people, re.S).group(1)
        command = " ".join(command.split())
        values = iter(["reviewer", "a-long-local-password", "reviewer@example.com"])
        command = re.sub("…", lambda _: next(values), command)
        created = run(checkout, command)
        assert created.returncode == 0, created.stderr
        assert "Superuser created successfully." in created.stdout

        # "Backups": the dump, then a restore that refuses a database holding data.
        backup, restore = shell_block(readme_section("Backups"))
        backed_up = run(checkout, backup)
        assert backed_up.returncode == 0, backed_up.stderr
        (written,) = (checkout / "backups").glob("interviewbank-*.json.gz")
        restore = re.sub(r"FILE=\S+", f"FILE=backups/{written.name}", restore)
        refused = run(checkout, restore)
        assert refused.returncode != 0
        assert "This database is not empty" in refused.stdout + refused.stderr
        assert "Traceback" not in refused.stdout + refused.stderr
    finally:
        served.stop()
    assert_no_server_left(checkout)

    if os.environ.get("DATABASE_URL"):
        # The copy's `make test` runs with nothing exported, so on the project's own
        # PostgreSQL: exactly what the same suite run without DATABASE_URL checks already.
        return
    # The command as written bootstraps the copy and runs its tests. The whole suite is this
    # very run; in the copy, a few modules that need the database and the seed stand for it.
    tested = run(checkout, "make test", timeout=1800, PYTEST_ADDOPTS=COPY_TESTS, **{NESTED: "1"})
    assert tested.returncode == 0, tested.stdout[-5000:] + tested.stderr[-5000:]
    assert " passed" in tested.stdout and " failed" not in tested.stdout
    assert_no_server_left(checkout)
