"""The sentence encoder a server's workers share: the same vectors as encoding in the
worker, a worker that never loads the model while the encoder answers, and encoding in the
worker whenever the encoder does not answer."""

import json
import logging
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from interviewbank import encoder_process
from questions.search import embeddings, encoder, meaning

TEXTS = ["How do you calm an angry customer?", "AOV"]


@pytest.fixture
def encoder_socket(tmp_path):
    """An encoder process, as `make serve` starts it, listening on a socket of its own."""
    path = tmp_path / "encoder.sock"
    process = subprocess.Popen([sys.executable, "-m", "questions.search.encoder", str(path)])
    deadline = time.monotonic() + 60
    while not path.exists():
        assert process.poll() is None and time.monotonic() < deadline, "encoder did not start"
        time.sleep(0.05)
    yield str(path)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def in_process_encoding_fails(monkeypatch):
    def refuse(texts):
        raise AssertionError("encoded in the worker")

    monkeypatch.setattr(embeddings, "encode", refuse)


class TestSharedEncoder:
    def test_vectors_come_from_the_encoder_and_equal_encoding_here(
        self, encoder_socket, monkeypatch
    ):
        expected = embeddings.encode(TEXTS)
        monkeypatch.setenv(encoder.ENCODER_SOCKET_ENV, encoder_socket)
        monkeypatch.setattr(embeddings, "encode", lambda texts: pytest.fail("encoded here"))

        vectors = encoder.encode(TEXTS)

        assert vectors.shape == (2, embeddings.DIMENSIONS)
        np.testing.assert_allclose(vectors, expected, atol=1e-6)

    def test_a_query_vector_is_asked_of_the_encoder(
        self, encoder_socket, monkeypatch, in_process_encoding_fails
    ):
        monkeypatch.setenv(encoder.ENCODER_SOCKET_ENV, encoder_socket)
        meaning.query_vector.cache_clear()
        try:
            vector = meaning.query_vector("calming an upset shopper down")
        finally:
            meaning.query_vector.cache_clear()
        assert len(vector) == embeddings.DIMENSIONS
        assert abs(np.linalg.norm(vector) - 1) < 1e-5

    def test_without_an_answer_the_worker_encodes_itself(self, tmp_path, monkeypatch, caplog):
        monkeypatch.setenv(encoder.ENCODER_SOCKET_ENV, str(tmp_path / "nobody-listens.sock"))
        with caplog.at_level(logging.WARNING, logger="questions.search.encoder"):
            vectors = encoder.encode(TEXTS)
        np.testing.assert_allclose(vectors, embeddings.encode(TEXTS), atol=1e-6)
        assert "did not answer" in caplog.text

    def test_without_the_setting_the_worker_encodes_itself(self, monkeypatch):
        monkeypatch.delenv(encoder.ENCODER_SOCKET_ENV, raising=False)
        np.testing.assert_allclose(encoder.encode(TEXTS), embeddings.encode(TEXTS), atol=1e-6)


class TestEncoderRefusesBadRequests:
    @pytest.fixture
    def server(self, tmp_path):
        server = encoder.EncoderServer(str(tmp_path / "e.sock"))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server
        server.shutdown()
        server.server_close()

    def raw(self, server, payload: bytes) -> bytes:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(10)
            conn.connect(server.server_address)
            conn.sendall(struct.pack(">I", len(payload)) + payload)
            return conn.recv(1 << 16)

    @pytest.mark.parametrize(
        "payload",
        [b"not json", json.dumps({"text": "x"}).encode(), json.dumps([1, 2]).encode()],
    )
    def test_a_malformed_request_gets_no_vectors_and_the_encoder_goes_on(self, server, payload):
        assert self.raw(server, payload) == b""
        reply = self.raw(server, json.dumps(["still answering"]).encode())
        assert struct.unpack(">I", reply[:4]) == (1,)

    def test_an_oversized_request_is_refused_before_it_is_read(self, server):
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(10)
            conn.connect(server.server_address)
            conn.sendall(struct.pack(">I", encoder.MAX_REQUEST_BYTES + 1))
            assert conn.recv(16) == b""


class TestStartedBesideTheWorkers:
    def test_start_publishes_the_socket_and_stop_removes_it(self, monkeypatch):
        monkeypatch.delenv(encoder.ENCODER_SOCKET_ENV, raising=False)
        log = logging.getLogger("gunicorn.error")
        encoder_process.start(log)
        try:
            path = encoder_process.os.environ[encoder.ENCODER_SOCKET_ENV]
            vectors = encoder._ask(path, TEXTS)
            np.testing.assert_allclose(vectors, embeddings.encode(TEXTS), atol=1e-6)
        finally:
            encoder_process.stop()
        assert encoder.ENCODER_SOCKET_ENV not in encoder_process.os.environ
        assert not encoder_process.Path(path).parent.exists()

    def test_no_model_no_encoder(self, monkeypatch):
        monkeypatch.delenv(encoder.ENCODER_SOCKET_ENV, raising=False)
        monkeypatch.setattr(embeddings, "available", lambda: False)
        encoder_process.start(logging.getLogger("gunicorn.error"))
        assert encoder.ENCODER_SOCKET_ENV not in encoder_process.os.environ

    def test_the_encoder_stops_when_its_parent_is_gone(self, tmp_path):
        # The parent starts the encoder, then dies without stopping it (as on SIGKILL).
        path = tmp_path / "orphan.sock"
        parent = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import subprocess, sys, time; p = subprocess.Popen("
                f"[sys.executable, '-m', 'questions.search.encoder', {str(path)!r}]); "
                "print(p.pid, flush=True); time.sleep(60)",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        encoder_pid = int(parent.stdout.readline())
        deadline = time.monotonic() + 60
        while not path.exists():
            assert time.monotonic() < deadline, "encoder did not start"
            time.sleep(0.05)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while not exited(encoder_pid):
            assert time.monotonic() < deadline, "encoder outlived its parent"
            time.sleep(0.1)
        assert not path.exists()


def exited(pid: int) -> bool:
    """Gone, or a zombie waiting for whichever process adopted it to reap it."""
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
