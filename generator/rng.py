"""Seeded random streams.

Every part of the region draws from its own stream derived from (seed, part name), so generating a subset of
kinds (say only houses and EGRN) yields exactly the same houses and extracts as a full run.
"""
from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *names: str) -> np.random.Generator:
    """A generator that depends only on the seed and the names (stable across runs and platforms)."""
    keys = [zlib.crc32(name.encode("utf-8")) for name in names]
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, *keys])


def guids(rng: np.random.Generator, n: int) -> np.ndarray:
    """n random version-4 GUID strings (lower case, as FIAS and EGRN write them)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    h = raw.tobytes().hex()
    out = np.empty(n, dtype=object)
    out[:] = [f"{h[i:i+8]}-{h[i+8:i+12]}-{h[i+12:i+16]}-{h[i+16:i+20]}-{h[i+20:i+32]}" for i in range(0, 32 * n, 32)]
    return out


def pick(rng: np.random.Generator, options, size: int, p=None) -> np.ndarray:
    """Vectorised choice from a small list of options (returns an object array)."""
    arr = np.empty(len(options), dtype=object)
    arr[:] = list(options)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return arr[rng.choice(len(options), size=size, p=p)]
