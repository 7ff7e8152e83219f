"""The build publishes exactly what the guard checked: same orientation, only re-encoded pixels."""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageSequence, PngImagePlugin

from site_gen.media.convert import convert_series
from site_gen.media.discover import series_files
from site_gen.media.raster import displayed, load_for_web
from site_gen.phi.image_containers import container_blocks
from site_gen.phi.image_metadata import views


def asymmetric(size=(120, 80)) -> Image.Image:
    """A picture whose every turn and flip looks different (a bright corner, a gradient)."""
    y, x = np.mgrid[0:size[1], 0:size[0]]
    rgb = np.stack([x * 2, y * 3, 40 + 0 * x], -1).clip(0, 255).astype(np.uint8)
    rgb[:10, :30] = (255, 255, 255)
    return Image.fromarray(rgb)


def riff_chunks(data: bytes) -> list[bytes]:
    names, position = [], 12
    while position + 8 <= len(data):
        size, = struct.unpack("<I", data[position + 4:position + 8])
        names.append(data[position:position + 4])
        position += 8 + size + (size & 1)
    return names


@pytest.mark.parametrize("orientation", range(1, 9))
def test_guard_and_build_see_the_same_picture(tmp_path, orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"o{orientation}.png"
    asymmetric().save(path, exif=exif)
    published = np.asarray(load_for_web(path, 4096))
    with Image.open(path) as image:
        checked = np.asarray(views(image)[0][1])
    assert published.shape == checked.shape and np.array_equal(published, checked)
    if orientation > 1:
        with Image.open(path) as image:
            assert not np.array_equal(np.asarray(image.convert("RGB")), checked)  # it really was turned


def test_xmp_orientation_is_applied_by_both_too(tmp_path):
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>')
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp)
    path = tmp_path / "xmp.png"
    asymmetric().save(path, pnginfo=info)
    published = load_for_web(path, 4096)
    with Image.open(path) as image:
        shown = views(image)
    assert published.size == shown[0][1].size == (80, 120)
    assert len(shown) == 2  # the stored (unturned) picture is checked as well


def _everything_jpeg(path):
    exif = Image.Exif()
    exif[0x013B] = "Jane Roe"
    exif[0x0112] = 8
    exif.get_ifd(0x8825)[1] = "N"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    asymmetric((300, 200)).save(path, exif=exif, xmp=xmp, icc_profile=profile, comment=b"Jane Roe")
    data = path.read_bytes()
    app15 = b"\xff\xef" + struct.pack(">H", 12) + b"private!!\0"
    path.write_bytes(data[:2] + app15 + data[2:] + b"trailing Jane Roe")


def _everything_png(path):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Jane Roe")
    info.add_itxt("Description", "Jane Roe", zip=True)
    exif = Image.Exif()
    exif[0x013B] = "Jane Roe"
    asymmetric((300, 200)).convert("RGBA").save(path, pnginfo=info, exif=exif,
                                                icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data = path.read_bytes()
    body = b"Jane Roe"
    private = struct.pack(">I", len(body)) + b"prVt" + body + struct.pack(">I", zlib.crc32(b"prVt" + body))
    end = data.rindex(b"IEND") - 4
    path.write_bytes(data[:end] + private + data[end:] + b"after the end")


def test_published_photos_hold_only_re_encoded_pixels(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    _everything_jpeg(folder / "a.jpg")
    _everything_png(folder / "b.png")
    converted = convert_series(series_files(folder), tmp_path / "cache")
    for published in converted.frame_paths():
        data = published.read_bytes()
        assert b"Jane" not in data and b"private" not in data and b"after the end" not in data
        assert set(riff_chunks(data)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}, riff_chunks(data)
        assert container_blocks(data) == []         # the guard's walker finds nothing to read either
        with Image.open(published) as out:
            assert not out.getexif() and not {"exif", "xmp", "icc_profile", "comment"} & set(out.info)
            assert sum(1 for _ in ImageSequence.Iterator(out)) == 1


def test_displayed_never_changes_its_input():
    image = asymmetric()
    exif = image.getexif()
    exif[0x0112] = 6
    before = np.asarray(image).copy()
    turned = displayed(image)
    assert turned is not image and np.array_equal(np.asarray(image), before)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)
    assert displayed(Image.open(buffer)).size == (80, 120)
