"""The whole PHI-guard evaluation: text corpora, then DICOM, image and speed checks.

    python -m site_gen.bench.phi --corpus ../shared/corpora [--cv 5] [--large] [--json]

`--cv 5` adds the cross-validated text figures (the ones that count; see bench/phi_text.py).
"""
from __future__ import annotations

import sys

from . import phi_media, phi_text


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    print("== text detector ==", flush=True)
    text_status = phi_text.main(argv)
    print("\n== DICOM, image metadata, burned-in text, faces, speed ==", flush=True)
    media_status = phi_media.main(_media_args(argv))
    return text_status or media_status


def _media_args(argv: list[str]) -> list[str]:
    """The options the media benchmark knows (--corpus, --json); the text-only ones stay here."""
    out, i = [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--corpus" and i + 1 < len(argv):
            out += argv[i:i + 2]
            i += 2
            continue
        if arg.startswith("--corpus=") or arg == "--json":
            out.append(arg)
        i += 1
    return out


if __name__ == "__main__":
    sys.exit(main())
