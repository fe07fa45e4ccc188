"""Synthetic keys, assembled at run time so no key-shaped literal sits in the repository."""

from __future__ import annotations

import random
import string

ALNUM = string.ascii_letters + string.digits


def fake(prefix: str, length: int, alphabet: str = ALNUM, seed: int | None = None) -> str:
    """A synthetic key: `prefix` plus random characters, assembled at run time."""
    rng = random.Random(seed)
    return prefix + "".join(rng.choice(alphabet) for _ in range(length))


def github_token(seed: int | None = None) -> str:
    """A synthetic classic GitHub PAT shape (ghp_ + 36 base62)."""
    return fake("gh" + "p_", 36, seed=seed)
