"""The whole PHI-guard evaluation: text corpora, then DICOM, image and speed checks.

    python -m site_gen.bench.phi --corpus ../shared/corpora [--json]
"""
from __future__ import annotations

import sys

from . import phi_media, phi_text


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    print("== text detector ==", flush=True)
    text_status = phi_text.main(argv)
    print("\n== DICOM, image metadata, burned-in text, faces, speed ==", flush=True)
    media_status = phi_media.main(argv)
    return text_status or media_status


if __name__ == "__main__":
    sys.exit(main())
