"""PNG/JPEG images for the web: orientation applied, metadata stripped, size limited."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from .discover import is_lfs_pointer, read_head

# Refuse decompression bombs early: 100 megapixels is far above any clinical photograph.
MAX_PIXELS = 100_000_000


class RasterReadError(Exception):
    pass


def load_for_web(path: Path, max_side: int) -> Image.Image:
    """Open, apply EXIF orientation, drop every metadata block, shrink to max_side."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        if is_lfs_pointer(read_head(path)):
            raise RasterReadError(f"{path.name}: this is a Git LFS pointer, not the image: run 'git lfs pull'")
        with Image.open(path) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise RasterReadError(f"{path.name}: image too large ({opened.width}x{opened.height} pixels)")
            opened.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced size, less memory
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise RasterReadError(f"{path.name}: cannot be read as an image ({error.__class__.__name__})") from None
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGBA").convert("RGB") if "A" in image.mode or image.mode == "P" else image.convert("RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A fresh image carries no EXIF, XMP, ICC or text chunks from the source.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean
