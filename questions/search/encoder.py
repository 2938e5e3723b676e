"""One sentence encoder per server, shared by its worker processes.

Encoding needs the model's weights (about 45 MB of them read on every query) and its
tokenizer. Every gunicorn worker that encoded a query would hold its own copy, and its
peak memory would grow by about 55 MiB. Instead `make serve` starts one encoder process
beside the workers (see `interviewbank/gunicorn.conf.py`); a worker sends it texts over a
Unix socket and reads back their vectors. The socket's path is in `ENCODER_SOCKET_ENV`.

Without that variable (the development server, tests, management commands), or when the
encoder does not answer, texts are encoded in the process itself: the same vectors, so
search never depends on the encoder being up.

The protocol is a request and a reply per connection: a 4-byte big-endian length and a
JSON list of texts; then 4 bytes giving how many vectors follow and the float32 vectors.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import socketserver
import struct
import sys
from pathlib import Path

import numpy as np

from questions.search import embeddings

ENCODER_SOCKET_ENV = "SENTENCE_ENCODER_SOCKET"
# A query's vector takes milliseconds; this long means the encoder is stuck, and the
# worker encodes the query itself rather than keep the person waiting.
TIMEOUT_SECONDS = 10
# A save or a fixture sends at most embeddings.BATCH texts at a time; this bounds a request.
MAX_REQUEST_BYTES = 4 * 1024 * 1024

logger = logging.getLogger(__name__)
_LENGTH = struct.Struct(">I")


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length vectors for the texts, from the server's encoder when there is one."""
    path = os.environ.get(ENCODER_SOCKET_ENV)
    if path and texts:
        try:
            return _ask(path, texts)
        except (OSError, ValueError) as error:
            logger.warning("sentence encoder at %s did not answer (%s); encoding here", path, error)
    return embeddings.encode(texts)


def _ask(path: str, texts: list[str]) -> np.ndarray:
    request = json.dumps(texts).encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(TIMEOUT_SECONDS)
        conn.connect(path)
        conn.sendall(_LENGTH.pack(len(request)) + request)
        (count,) = _LENGTH.unpack(_read_exactly(conn, _LENGTH.size))
        if count != len(texts):
            raise ValueError(f"asked for {len(texts)} vectors, got {count}")
        data = _read_exactly(conn, count * embeddings.DIMENSIONS * 4)
    return np.frombuffer(data, dtype=np.float32).reshape(count, embeddings.DIMENSIONS)


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = conn.recv(min(remaining, 1 << 16))
        if not chunk:
            raise ValueError("the connection closed early")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(TIMEOUT_SECONDS)
        try:
            (size,) = _LENGTH.unpack(_read_exactly(self.request, _LENGTH.size))
            if size > MAX_REQUEST_BYTES:
                raise ValueError(f"a request of {size} bytes")
            texts = json.loads(_read_exactly(self.request, size))
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise ValueError("not a list of texts")
            vectors = embeddings.encode(texts).astype(np.float32, copy=False)
        except (OSError, ValueError) as error:
            # The worker reads a short reply as "no answer" and encodes the texts itself.
            logger.warning("sentence encoder refused a request: %s", error)
            return
        self.request.sendall(_LENGTH.pack(len(vectors)) + vectors.tobytes())


class EncoderServer(socketserver.UnixStreamServer):
    """Answers one request at a time: queries are short, and two cores are better spent
    on the workers than on encoding in parallel."""

    def __init__(self, path: str) -> None:
        super().__init__(path, _Handler)
        self.parent = os.getppid()

    def service_actions(self) -> None:
        # Run between requests. A master killed without the chance to stop the encoder
        # must not leave it running for good.
        if os.getppid() != self.parent:
            raise SystemExit(0)


def serve(path: str) -> None:
    embeddings.encode(["warm up"])  # load the model before the first worker asks
    try:
        with EncoderServer(path) as server:
            server.serve_forever()
    finally:
        Path(path).unlink(missing_ok=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    serve(sys.argv[1])
