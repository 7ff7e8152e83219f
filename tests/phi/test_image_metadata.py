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


# --- every block of the container (issue 9 item 14) ------------------------------------------------

import io
import zlib

import pytest
from PIL import ImageCms

from site_gen.phi.image_containers import container_blocks


def png_bytes(image: Image.Image | None = None, **save) -> bytes:
    buffer = io.BytesIO()
    (image or photo()).save(buffer, format="PNG", **save)
    return buffer.getvalue()


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def before_iend(png: bytes, *chunks: bytes) -> bytes:
    end = png.rindex(b"IEND") - 4
    return png[:end] + b"".join(chunks) + png[end:]


def jpeg_bytes(image: Image.Image | None = None, **save) -> bytes:
    buffer = io.BytesIO()
    (image or photo()).save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def after_soi(jpeg: bytes, *segments: bytes) -> bytes:
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(findings, words: str) -> bool:
    return any(f.category is Category.CANNOT_VERIFY and words in f.message for f in findings)


def test_plain_pillow_png_and_jpeg_have_no_blocks_to_report(tmp_path):
    for name, data in (("plain.png", png_bytes()), ("plain.jpg", jpeg_bytes())):
        assert check(write(tmp_path, name, data)) == [], name


def test_private_and_unknown_png_chunks_are_refused(tmp_path):
    for kind in (b"prVt", b"zzZz", b"caBX"):
        path = write(tmp_path, "private.png", before_iend(png_bytes(), chunk(kind, b"Jane Roe, MRN 12345678")))
        findings = check(path)
        assert refused(findings, "chunk the guard cannot read"), kind
        assert not any("Jane" in f.message or "prVt" in f.message for f in findings)  # names masked too


def test_rendering_chunks_are_allowed(tmp_path):
    png = before_iend(png_bytes(), chunk(b"gAMA", struct.pack(">I", 45455)), chunk(b"pHYs", b"\0\0\x0b\x13\0\0\x0b\x13\x01"))
    assert check(write(tmp_path, "gamma.png", png)) == []


def test_data_after_iend_is_refused(tmp_path):
    path = write(tmp_path, "tail.png", png_bytes() + b"Jane Roe 1956-04-12" + jpeg_bytes())
    assert refused(check(path), "follow the end of the image")


def test_every_text_chunk_is_scanned_even_repeated_keywords_and_after_the_pixels(tmp_path):
    """Pillow keeps only the last chunk of a keyword: the walker reads them all."""
    png = png_bytes()
    first = chunk(b"tEXt", b"Comment\0call 617-555-0134")
    second = chunk(b"tEXt", b"Comment\0nothing to see")
    late = chunk(b"zTXt", b"Title\0\0" + zlib.compress(b"mail jdoe@example.org"))
    ihdr_end = 8 + 25
    png = png[:ihdr_end] + first + second + png[ihdr_end:]
    png = before_iend(png, late)  # after IDAT
    categories = cats(check(write(tmp_path, "texts.png", png)))
    assert {Category.PHONE, Category.EMAIL} <= categories


def test_png_time_chunk_and_exif_chunk(tmp_path):
    exif = Image.Exif()
    exif[0x013B] = "Jane Roe"
    png = before_iend(png_bytes(), chunk(b"tIME", struct.pack(">HBBBBB", 2024, 1, 5, 10, 15, 0)),
                      chunk(b"eXIf", exif.tobytes()))
    findings = check(write(tmp_path, "time.png", png))
    assert {Category.DATE, Category.NAME} <= cats(findings)


def test_damaged_chunk_checksum_is_refused(tmp_path):
    png = bytearray(before_iend(png_bytes(), chunk(b"tEXt", b"Comment\0hello")))
    at = png.index(b"Comment")
    png[at + 8] ^= 0x20
    assert refused(check(write(tmp_path, "crc.png", bytes(png))), "checksum")


def test_jpeg_data_after_eoi_is_refused(tmp_path):
    """Phones append a second picture (depth map, preview) after the end of the first."""
    path = write(tmp_path, "tail.jpg", jpeg_bytes() + jpeg_bytes(photo((64, 48))))
    findings = check(path)
    assert refused(findings, "another picture follow")


def test_unknown_application_segments_are_refused(tmp_path):
    for marker, body in ((0xE5, b"PRIVATE\0Jane Roe"), (0xE1, b"SomethingElse\0Jane"), (0xEF, b"x" * 40)):
        path = write(tmp_path, "app.jpg", after_soi(jpeg_bytes(), segment(marker, body)))
        assert refused(check(path), "application segment the guard cannot read"), hex(marker)


def test_second_exif_segment_is_scanned_too(tmp_path):
    """Pillow reads only the first EXIF segment."""
    harmless, hidden = Image.Exif(), Image.Exif()
    harmless[0x010F] = "NIKON"
    hidden[0x013B] = "Jane Roe"
    data = after_soi(jpeg_bytes(), segment(0xE1, b"Exif\0\0" + harmless.tobytes()),
                     segment(0xE1, b"Exif\0\0" + hidden.tobytes()))
    assert Category.NAME in cats(check(write(tmp_path, "two-exif.jpg", data)))


def _exif_with_thumbnail() -> bytes:
    """A little-endian EXIF block: IFD0 (Make) -> IFD1 holding a JPEG thumbnail of a name."""
    thumbnail = jpeg_bytes(photo((80, 60)))
    ifd0_at = 8
    ifd1_at = ifd0_at + 2 + 12 + 4 + 6  # one entry, next pointer, then the "NIKON\0" value
    thumb_at = ifd1_at + 2 + 2 * 12 + 4
    header = b"II*\0" + struct.pack("<I", ifd0_at)
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x010F, 2, 6, ifd0_at + 2 + 12 + 4) + struct.pack("<I", ifd1_at)
    ifd0 += b"NIKON\0"
    ifd1 = struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, thumb_at) \
        + struct.pack("<HHII", 0x0202, 4, 1, len(thumbnail)) + struct.pack("<I", 0)
    return header + ifd0 + ifd1 + thumbnail


def test_exif_thumbnail_is_refused(tmp_path):
    data = after_soi(jpeg_bytes(), segment(0xE1, b"Exif\0\0" + _exif_with_thumbnail()))
    findings = check(write(tmp_path, "thumb.jpg", data))
    assert refused(findings, "embedded preview picture")


def test_jfif_thumbnail_and_multi_picture_segments_are_refused(tmp_path):
    jfxx = segment(0xE0, b"JFXX\0\x10" + jpeg_bytes(photo((40, 30))))
    mpf = segment(0xE2, b"MPF\0II*\0" + b"\0" * 16)
    for name, extra in (("jfxx.jpg", jfxx), ("mpf.jpg", mpf)):
        assert refused(check(write(tmp_path, name, after_soi(jpeg_bytes(), extra))), "picture"), name


def test_xmp_inside_exif_tag_0x02bc(tmp_path):
    exif = Image.Exif()
    exif[0x02BC] = XMP
    path = tmp_path / "xmp-in-exif.jpg"
    photo().save(path, exif=exif)
    findings = check(path)
    assert {Category.NAME, Category.PHONE, Category.DATE} <= cats(findings)


def test_unknown_binary_exif_tag_is_read_for_text(tmp_path):
    exif = Image.Exif()
    exif[0xBEEF] = b"\x01\x02patient jdoe@example.org\x00\x07"
    path = tmp_path / "binary-tag.jpg"
    photo().save(path, exif=exif)
    assert Category.EMAIL in cats(check(path))


def _profile_with_description(text: str) -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    # Append a 'desc' tag of type 'text' and point a new table entry at it.
    count, = struct.unpack(">I", profile[128:132])
    table = profile[132:132 + 12 * count]
    body = profile[132 + 12 * count:]
    shift = 12
    entries = [struct.unpack(">4sII", table[i * 12:(i + 1) * 12]) for i in range(count)]
    tag = b"text\0\0\0\0" + text.encode() + b"\0"
    new_offset = 132 + 12 * (count + 1) + len(body)
    entries = [(sig, off + shift, size) for sig, off, size in entries] + [(b"cprt", new_offset, len(tag))]
    data = profile[:128] + struct.pack(">I", count + 1) + b"".join(struct.pack(">4sII", *e) for e in entries) + body + tag
    return struct.pack(">I", len(data)) + data[4:]


def test_colour_profile_text_is_scanned(tmp_path):
    profile = _profile_with_description("Scanned for Jane Roe, call 617-555-0134")
    path = tmp_path / "icc.jpg"
    photo().save(path, icc_profile=profile)
    assert Category.PHONE in cats(check(path))
    png = tmp_path / "icc.png"
    photo().save(png, icc_profile=profile)
    assert Category.PHONE in cats(check(png))


def test_common_srgb_profile_passes(tmp_path):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = tmp_path / "srgb.jpg"
    photo().save(path, icc_profile=profile)
    assert check(path) == []


def test_photoshop_thumbnail_and_text_resources(tmp_path):
    def resource(number: int, data: bytes, name: bytes = b"") -> bytes:
        pascal = bytes([len(name)]) + name
        pascal += b"\0" * (len(pascal) % 2)
        return b"8BIM" + struct.pack(">H", number) + pascal + struct.pack(">I", len(data)) + data + b"\0" * (len(data) % 2)
    thumb = resource(0x040C, b"\0" * 28 + jpeg_bytes(photo((40, 30))))
    url = resource(0x040B, b"https://records.example.org/patient/12345")
    data = after_soi(jpeg_bytes(), segment(0xED, b"Photoshop 3.0\0" + thumb + url))
    findings = check(write(tmp_path, "ps.jpg", data))
    assert refused(findings, "preview picture")
    assert Category.URL_IP in cats(findings)


def test_webp_and_gif_metadata(tmp_path):
    exif = Image.Exif()
    exif[0x013B] = "Jane Roe"
    webp = tmp_path / "meta.webp"
    photo().save(webp, exif=exif)
    assert Category.NAME in cats(check(webp))
    tail = write(tmp_path, "tail.webp", webp.read_bytes() + b"hidden Jane Roe")
    assert refused(check(tail), "follow the end")
    gif = tmp_path / "comment.gif"
    photo().convert("P").save(gif, comment=b"call 617-555-0134")
    assert Category.PHONE in cats(check(gif))
    assert refused(check(write(tmp_path, "tail.gif", gif.read_bytes() + b"Jane Roe")), "follow the end")


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\0" * 5, b"\xff\xd8\xff\xe1\xff\xff", b"RIFF\0\0\0\0WEBP",
                                  b"GIF89a\x01\0\x01\0\x80"])
def test_walkers_fail_closed_on_truncated_headers(data):
    blocks = container_blocks(data)
    assert blocks and any(b.kind == "refuse" for b in blocks)


# --- burned-in text read as displayed (issue 9 item 4) ---------------------------------------------

from .conftest import draw_lines  # noqa: E402


def label_photo() -> Image.Image:
    image = photo((640, 360)).convert("L").point(lambda v: v // 3).convert("RGB")
    return draw_lines(image, ["Patient: John Doe", "DOB 12/03/1961"], size=26, at=(20, 20), fill=(255, 255, 255))


def test_text_in_a_photo_stored_sideways_with_exif_orientation_is_read(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 8  # viewers turn it a quarter counter-clockwise
    path = tmp_path / "sideways.jpg"
    label_photo().transpose(Image.Transpose.ROTATE_270).save(path, exif=exif, quality=95)
    findings = check_image(path, "sideways.jpg", faces=False)
    assert Category.DATE in cats(f for f in findings if "as stored" not in f.message)
    x, y, w, h = next(f.box for f in findings if f.category is Category.DATE)
    assert w > h and y < 150   # a horizontal line near the top of the displayed picture


def test_text_upright_only_in_the_stored_file_is_read_too(tmp_path):
    """Orientation applied by the build turns the text sideways; the committed file, shown as
    stored by viewers that ignore the tag, has it upright: both are checked."""
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "upright-in-file.jpg"
    label_photo().save(path, exif=exif, quality=95)
    findings = check_image(path, "upright-in-file.jpg", faces=False)
    assert any(f.category is Category.DATE and "as stored" in f.message for f in findings)


def test_a_name_used_as_a_text_keyword_is_never_printed(tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_text("Jane Roe", "call 617-555-0134")
    path = tmp_path / "keyword.png"
    photo().save(path, pnginfo=info)
    findings = check(path)
    assert Category.PHONE in cats(findings)
    assert not any("Jane" in f.message or "Roe" in f.message for f in findings)
