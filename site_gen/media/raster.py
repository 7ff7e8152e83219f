"""PNG/JPEG images for the web: orientation applied, metadata stripped, size limited.

`displayed` and `flatten` are shared with the PHI guard (site_gen/phi/image_metadata.py): the
guard checks exactly the picture the build publishes - same orientation, same pixels.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from .discover import is_lfs_pointer, read_head

# Refuse decompression bombs early: 100 megapixels is far above any clinical photograph.
MAX_PIXELS = 100_000_000


class RasterReadError(Exception):
    pass


def displayed(image: Image.Image) -> Image.Image:
    """The picture turned as viewers show it: EXIF Orientation (or, lacking it, XMP
    tiff:Orientation) applied, as Pillow reads them.  A new image; the input is not changed."""
    return ImageOps.exif_transpose(image)


def orientation_applied(image: Image.Image) -> bool:
    """True when `displayed` turns or flips this picture."""
    return image.getexif().get(0x0112, 1) in (2, 3, 4, 5, 6, 7, 8)


def flatten(image: Image.Image) -> Image.Image:
    """Greyscale or RGB pixels, as published (an alpha channel is dropped, a palette expanded)."""
    if image.mode in ("L", "RGB"):
        return image
    if "A" in image.mode or image.mode == "P":
        return image.convert("RGBA").convert("RGB")
    return image.convert("RGB")


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
            image = displayed(opened)
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise RasterReadError(f"{path.name}: cannot be read as an image ({error.__class__.__name__})") from None
    image = flatten(image)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A fresh image carries no EXIF, XMP, ICC or text chunks from the source: only pixels are published.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean
