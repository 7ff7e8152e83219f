"""Image metadata: EXIF, GPS, XMP, IPTC, JPEG comments, PNG text chunks, TIFF tags; fail closed."""
from __future__ import annotations

import struct

import numpy as np
from PIL import Image, PngImagePlugin

from site_gen.phi import image_metadata
from site_gen.phi.finding import Category
from site_gen.phi.image_metadata import check_image


def photo(size=(320, 240)) -> Image.Image:
    """A smooth colour picture with nothing on it (no text, no face)."""
    y, x = np.mgrid[0:size[1], 0:size[0]]
    rgb = np.stack([100 + 80 * x / size[0], 80 + 60 * y / size[1], 120 + 0 * x], -1)
    return Image.fromarray(rgb.astype(np.uint8))


def check(path, **kw):
    return check_image(path, f"case/{path.name}", ocr=False, faces=False, **kw)


def cats(findings):
    return {f.category for f in findings}


def test_plain_photo_with_make_and_model_only_is_clean(tmp_path):
    exif = Image.Exif()
    exif[0x010F] = "NIKON"          # Make
    exif[0x0110] = "COOLPIX P6000"  # Model
    exif[0x0131] = "GIMP 2.10"      # Software
    path = tmp_path / "plain.jpg"
    photo().save(path, exif=exif)
    assert check(path) == []


def test_exif_gps_dates_serials_owner_and_maker_notes(tmp_path):
    exif = Image.Exif()
    exif[0x0132] = "2024:01:05 10:15:00"        # DateTime
    exif[0x013B] = "Jane Roe"                   # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (43.0, 28.0, 2.8), "E", (11.0, 53.0, 7.0)
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2024:01:05 10:15:00"         # DateTimeOriginal
    sub[0xA431] = "SN4711-0815"                 # BodySerialNumber
    sub[0xA430] = "Dr Who"                      # CameraOwnerName
    sub[0x927C] = b"Nikon\0\x02\x10\0\0MM\0*"  # MakerNote
    path = tmp_path / "camera.jpg"
    photo().save(path, exif=exif)
    findings = check(path)
    assert {Category.ADDRESS, Category.DATE, Category.DEVICE_ID, Category.NAME} <= cats(findings)
    text = " | ".join(f.message for f in findings)
    for source in ("EXIF GPS", "DateTimeOriginal", "BodySerialNumber", "CameraOwnerName", "Artist", "MakerNote"):
        assert source in text
    for raw in ("Jane", "4711", "43.0", "2024"):
        assert raw not in text


def test_exif_free_text_goes_through_the_text_detector(tmp_path):
    exif = Image.Exif()
    exif[0x010E] = "Wound photo, call 617-555-0134"               # ImageDescription
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\0\0\0jdoe@example.org"  # UserComment
    path = tmp_path / "desc.jpg"
    photo().save(path, exif=exif)
    assert {Category.PHONE, Category.EMAIL} <= cats(check(path))


def test_png_text_chunks_all_three_kinds(tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Roe")                                  # tEXt, a finding by itself
    info.add_text("Comment", "phone 617-555-0134", zip=True)               # zTXt
    info.add_itxt("Description", "mail jdoe@example.org", lang="en")       # iTXt
    info.add_text("Software", "ImageMagick")                             # allowed
    path = tmp_path / "chunks.png"
    photo().save(path, pnginfo=info)
    findings = check(path)
    assert {Category.NAME, Category.PHONE, Category.EMAIL} <= cats(findings)
    assert not any("Software" in f.message for f in findings)


def test_jpeg_comment(tmp_path):
    path = tmp_path / "comment.jpg"
    photo().save(path, comment=b"ultrasound for jdoe@example.org")
    assert Category.EMAIL in cats(check(path))


XMP = b"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"
  exif:GPSLatitude="43,28.04N" xmp:CreateDate="2024-01-05T10:15:00" aux:SerialNumber="4711"
  xmpMM:DocumentID="xmp.did:0815-4711-aa">
 <dc:creator><rdf:Seq><rdf:li>Jane Roe</rdf:li></rdf:Seq></dc:creator>
 <dc:description><rdf:Alt><rdf:li xml:lang="x-default">call 617-555-0134</rdf:li></rdf:Alt></dc:description>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def test_xmp_in_jpeg_and_png(tmp_path):
    jpeg = tmp_path / "xmp.jpg"
    photo().save(jpeg, xmp=XMP)
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    png = tmp_path / "xmp.png"
    photo().save(png, pnginfo=info)
    for path in (jpeg, png):
        findings = check(path)
        assert {Category.ADDRESS, Category.DATE, Category.DEVICE_ID, Category.NAME, Category.PHONE} <= cats(findings), path
        assert not any("DocumentID" in f.message for f in findings)


def _iptc_jpeg(path, records: dict[tuple[int, int], bytes]) -> None:
    """A JPEG with an APP13 Photoshop block holding IPTC-IIM records (Pillow cannot write IPTC)."""
    iim = b"".join(b"\x1c" + bytes(key) + struct.pack(">H", len(v)) + v for key, v in records.items())
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(iim)) + iim
    resource += b"\0" * (len(iim) % 2)
    payload = b"Photoshop 3.0\0" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    photo().save(path)
    data = path.read_bytes()
    path.write_bytes(data[:2] + segment + data[2:])


def test_iptc(tmp_path):
    path = tmp_path / "iptc.jpg"
    _iptc_jpeg(path, {(2, 80): b"Jane Roe", (2, 55): b"20240105", (2, 90): b"Springfield",
                      (2, 120): b"call 617-555-0134"})
    findings = check(path)
    assert {Category.NAME, Category.DATE, Category.ADDRESS, Category.PHONE} <= cats(findings)
    assert any("IPTC By-line" in f.message for f in findings)


def test_tiff_tags(tmp_path):
    path = tmp_path / "scan.tif"
    photo().save(path, tiffinfo={270: "knee, jdoe@example.org", 315: "Jane Roe"})  # ImageDescription, Artist
    findings = check(path)
    assert {Category.EMAIL, Category.NAME} <= cats(findings)


# --- fail closed ---------------------------------------------------------------------------------

def test_corrupt_and_truncated_images_cannot_be_verified(tmp_path):
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg" * 10)
    good = tmp_path / "good.jpg"
    photo((640, 480)).save(good, quality=95)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    for path in (garbage, cut, text):
        findings = check_image(path, path.name)
        assert [f.category for f in findings] == [Category.CANNOT_VERIFY], path


def test_decompression_bomb_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    photo((400, 300)).save(path)
    monkeypatch.setattr(image_metadata, "MAX_PIXELS", 100_000)   # 400x300 = 120,000 pixels
    findings = check_image(path, path.name)
    assert [f.category for f in findings] == [Category.CANNOT_VERIFY]
    assert "too large" in findings[0].message


def test_large_jpeg_is_decoded_reduced(tmp_path, monkeypatch):
    """OCR/faces see a draft-mode reduction; boxes come back in full-size coordinates."""
    path = tmp_path / "large.jpg"
    photo((6000, 1000)).save(path, quality=80)
    seen = []
    monkeypatch.setattr(image_metadata, "check_pixels_text",
                        lambda image, rel, **kw: seen.append(image.size) or [])
    check_image(path, path.name, faces=False)
    assert seen and max(seen[0]) <= 3000
