"""Split work across CI jobs: `--shard i/n` takes the items whose stable path hash falls in slot i.

The hash is SHA-256 of the item's path relative to the repository (never Python's `hash()`,
which changes between processes), so every job of a matrix agrees on the split without
talking to the others, and each item lands in exactly one shard.
"""
from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Shard:
    index: int   # 1-based, as people count jobs
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, path: str) -> bool:
        slot = int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:8], "big") % self.count
        return slot == self.index - 1


def parse_shard(text: str) -> Shard:
    """'2/4' -> Shard(2, 4); for argparse (`type=parse_shard`)."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a shard: write it as i/n, e.g. 2/4") from None
    if count < 1 or not 1 <= index <= count:
        raise argparse.ArgumentTypeError(f"'{text}' is not a shard: i must be between 1 and n, e.g. 2/4")
    return Shard(index, count)
