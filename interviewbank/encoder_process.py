"""The sentence encoder process `make serve` runs beside its workers (questions/search/encoder.py).

Started by gunicorn's master before the workers fork, so they inherit the socket's path in
their environment; stopped when the master exits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from questions.search import embeddings
from questions.search.encoder import ENCODER_SOCKET_ENV

# Loading the model takes about a second; a slow disk may take longer.
READY_WITHIN_SECONDS = 60

_process: subprocess.Popen | None = None
_folder: str | None = None


def start(log) -> None:
    global _process, _folder
    if not embeddings.available():
        return  # no model: search uses words and synonyms, and says so
    # A folder of its own per server, so that two app servers on one host never share it.
    _folder = tempfile.mkdtemp(prefix="interviewbank-encoder-")
    path = Path(_folder) / "encoder.sock"
    _process = subprocess.Popen(
        [sys.executable, "-m", "questions.search.encoder", str(path)],
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while not path.exists():
        if _process.poll() is not None or time.monotonic() > deadline:
            log.warning("The sentence encoder did not start; workers encode queries themselves.")
            stop()
            return
        time.sleep(0.05)
    os.environ[ENCODER_SOCKET_ENV] = str(path)
    log.info("Sentence encoder ready (pid %s).", _process.pid)


def stop() -> None:
    global _process, _folder
    if _process is not None:
        _process.terminate()
        try:
            _process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _process.kill()
        _process = None
    if _folder is not None:
        shutil.rmtree(_folder, ignore_errors=True)
        _folder = None
    os.environ.pop(ENCODER_SOCKET_ENV, None)
