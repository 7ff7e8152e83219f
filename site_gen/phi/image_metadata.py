"""Photographs and screenshots (JPEG, PNG, TIFF, GIF, WebP, BMP): metadata, burned-in text, faces.

`check_image(path, rel)` is the entry point.

Every block of the file is looked at (image_containers.py walks PNG chunks, JPEG segments, WebP
chunks and GIF blocks from the bytes; TIFF tags come from Pillow's directories).  Rules, with
their sources, are in data/image-metadata.yml:

Metadata that is a finding BY ITSELF (whatever its value):
  GPS position (EXIF GPS IFD, XMP exif:GPS*)                          -> ADDRESS
  capture dates (EXIF DateTime/DateTimeOriginal/DateTimeDigitized, XMP CreateDate/DateCreated,
  IPTC 2:55/2:62, PNG "Creation Time", tIME and ImageMagick date:* chunks) -> DATE
  camera/lens serial numbers, image unique ID, maker notes            -> DEVICE_ID / ID_NUMBER
  artist, camera owner, author, IPTC by-line/writer, XMP creator and named face regions -> NAME
  IPTC/XMP city and sub-location                                       -> ADDRESS
Every other text value (descriptions, comments, keywords, captions, copyright, PNG text chunks,
JPEG comments, TIFF text tags, colour-profile descriptions, XMP inside EXIF tag 0x02BC, readable
strings of Photoshop resources and unknown binary tags) goes through the free-text detector.
Camera make, model, lens model and software are allowed: they name a product, not a person.
REFUSED (CANNOT_VERIFY, the reason named): private or unknown PNG chunks, unknown JPEG
application segments, data after the end of the image, embedded preview pictures (EXIF and JFIF
thumbnails, Photoshop thumbnails, multi-picture segments, TIFF sub-images), damaged blocks.

Pixels are checked as they are displayed: every frame (animated GIF/PNG/WebP, multi-page TIFF;
over `MAX_FRAMES` frames the file is refused), EXIF orientation applied with the build's own
function (site_gen.media.raster.displayed), and - since the file itself is also downloadable
from the repository - as stored when the orientation turns it, and composited over white and
black when it has transparency.  Faces are searched in all four orientations.

Safety: images over 100 megapixels are refused before decoding, JPEGs are decoded at a reduced
scale (draft mode, <= ~2600 px) for OCR and faces, and an image that cannot be decoded completely
is CANNOT_VERIFY, never a pass.
"""
from __future__ import annotations

import dataclasses
import io
import re
import struct
import warnings
import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from pathlib import Path

from PIL import ExifTags, Image, ImageSequence, UnidentifiedImageError

from ..media.raster import displayed, flatten, orientation_applied
from .finding import Category, Finding, mask, value_hash
from .image_containers import Block, container_blocks, holds_picture, icc_texts, photoshop_blocks, readable_strings, rules
from .ocr import TextDetectorUnavailable, cannot_verify, check_pixels_text, text_spans

MAX_PIXELS = 100_000_000
MAX_FRAMES = 50
MAX_FILE_BYTES = 200 * 2**20
OCR_SIDE = 2600
MAX_XMP_BYTES = 2_000_000
MAX_NESTING = 4                 # metadata inside metadata (XMP in EXIF in Photoshop...)
DETECTOR = "image-metadata"
STRIP_ADVICE = ("import the picture with 'site-gen import-dicom PICTURE --case CASE', which keeps only "
                "the pixels")
IFD_EXIF, IFD_GPS, IFD_INTEROP = 0x8769, 0x8825, 0xA005

IPTC_BY_ITSELF = {
    (2, 80): ("By-line", Category.NAME), (2, 122): ("Writer/Editor", Category.NAME),
    (2, 55): ("Date Created", Category.DATE), (2, 62): ("Digital Creation Date", Category.DATE),
    (2, 90): ("City", Category.ADDRESS), (2, 92): ("Sub-location", Category.ADDRESS),
}
IPTC_SKIP = {(2, 0), (2, 101), (2, 100), (2, 60), (2, 63), (1, 0), (1, 90)}  # versions, country, times, charset

XMP_DATES = {"DateTimeOriginal", "CreateDate", "DateCreated", "DateTimeDigitized", "GPSDateStamp"}
XMP_NAMES = {"creator", "Artist", "OwnerName", "CameraOwnerName", "PersonInImage", "Author", "By-line"}
XMP_PLACES = {"City", "Sublocation", "Location", "LocationShown", "LocationCreated"}
XMP_SKIP = {"DocumentID", "InstanceID", "OriginalDocumentID", "documentID", "instanceID", "CreatorTool",
            "softwareAgent", "format", "ModifyDate", "MetadataDate", "when", "action", "changed", "Make",
            "Model", "Software", "Lens", "LensModel", "LensInfo", "ColorMode", "ICCProfile", "Rating",
            "Orientation", "parameters", "State", "Country", "CountryCode", "ExifVersion", "FlashpixVersion"}


@lru_cache(maxsize=1)
def _exif_rules() -> dict:
    r = rules()
    return {
        "by_itself": {int(tag): (name, Category(category)) for tag, (name, category) in r["exif_by_itself"].items()},
        "allowed_text": {int(tag) for tag in r["exif_allowed_text"]},
        "binary_allowed": {int(tag) for tag in r["exif_binary_allowed"]},
        "containers": {int(tag): kind for tag, kind in r["exif_containers"].items()},
        "png_by_itself": {key: Category(category) for key, category in r["png_text_by_itself"].items()},
        "png_allowed": set(r["png_text_allowed"]),
        "icc_known": set(r["icc_known_texts"]),
    }


class _Collector:
    def __init__(self, rel: str):
        self.rel = rel
        self.findings: list[Finding] = []
        self.text_problem: str | None = None

    def itself(self, source: str, category: Category, value: str, why: str) -> None:
        self.findings.append(Finding(
            path=self.rel, category=category, detector=DETECTOR,
            message=f"{source}: {why}: {mask(value) if value else '(binary)'} - strip the metadata before "
                    f"committing ({STRIP_ADVICE})",
            masked=mask(value) if value else "", value_hash=value_hash(value) if value else ""))

    def refuse(self, source: str, why: str) -> None:
        self.findings.append(cannot_verify(self.rel, f"{source}: {why} - {STRIP_ADVICE}", DETECTOR))

    def text(self, source: str, value: str) -> None:
        value = value.strip("\0 \t\r\n")
        if len(value) < 2 or self.text_problem:
            return
        try:
            spans = text_spans(value)
        except TextDetectorUnavailable as error:
            self.text_problem = str(error)
            return
        for span in spans:
            raw = value[span.start:span.end]
            self.findings.append(Finding(
                path=self.rel, category=span.category, detector=f"{DETECTOR}+{span.detector}",
                message=f"{source} contains {span.category.value.replace('_', ' ').lower()}: {mask(raw)}",
                masked=mask(raw), value_hash=value_hash(raw)))


_WHY = {
    Category.DATE: "the photo records when it was taken",
    Category.NAME: "the metadata names a person",
    Category.DEVICE_ID: "the metadata identifies the camera (serial number or maker notes)",
    Category.ID_NUMBER: "the metadata carries a unique identifier",
    Category.ADDRESS: "the metadata records a place",
}


def _as_text(value) -> str:
    if isinstance(value, bytes):
        if value[:8] in (b"ASCII\0\0\0", b"UNICODE\0", b"JIS\0\0\0\0\0", b"\0" * 8):  # EXIF UserComment prefix
            body = value[8:]
            return body.decode("utf-16" if value.startswith(b"UNICODE") else "latin-1", "replace")
        if len(value) > 1 and value[1:2] == b"\0":  # Windows XP* tags are UTF-16LE
            return value.decode("utf-16-le", "replace")
        return value.decode("utf-8", "replace")
    if isinstance(value, tuple):
        return " ".join(_as_text(v) for v in value)
    return str(value)


# --- EXIF and TIFF tag directories -----------------------------------------------------------

def _tag_name(tag: int) -> str:
    return ExifTags.TAGS.get(tag) or f"tag {tag:#06x}"


def exif_findings(exif: Image.Exif, out: _Collector, *, source: str = "EXIF", thumbnails: bool = True,
                  depth: int = 0) -> None:
    """Every tag of every directory.  `thumbnails`: the second directory (IFD1) is a preview
    picture's (EXIF blocks); in a TIFF file it is the next page, checked as a frame."""
    gps = exif.get_ifd(IFD_GPS)
    if any(tag != 0 for tag in gps):  # tag 0 is GPSVersionID alone
        position = " ".join(_as_text(gps.get(t, "")) for t in (1, 2, 3, 4) if t in gps)
        out.itself(f"{source} GPS", Category.ADDRESS, position or "GPS", "the photo records where it was taken")
    directories = [(exif, ""), (exif.get_ifd(IFD_EXIF), ""), (exif.get_ifd(IFD_INTEROP), " (interoperability)")]
    if thumbnails:
        ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
        if ifd1:
            if 0x0201 in ifd1 or 0x0111 in ifd1 or 0x0202 in ifd1:
                out.refuse(f"{source} thumbnail", "the photo carries an embedded preview picture, published with "
                                                  "the file but not what the site shows, and not checked")
            directories.append(({t: v for t, v in ifd1.items() if t not in (0x0201, 0x0202, 0x0111, 0x0117)},
                                " (thumbnail directory)"))
    for directory, where in directories:
        for tag, value in directory.items():
            _exif_tag(tag, value, f"{source}{where}", out, depth)


def _exif_tag(tag: int, value, source: str, out: _Collector, depth: int) -> None:
    r = _exif_rules()
    if tag in (IFD_EXIF, IFD_GPS, IFD_INTEROP) or tag in r["allowed_text"] or tag in r["binary_allowed"]:
        return
    name = _tag_name(tag)
    if tag in r["by_itself"]:
        label, category = r["by_itself"][tag]
        shown = "" if tag == 0x927C else _as_text(value).strip("\0 ")
        if shown or tag == 0x927C:
            out.itself(f"{source} {label}", category, shown, _WHY[category])
    elif tag in r["containers"]:
        data = value if isinstance(value, bytes) else _as_text(value).encode("utf-8", "replace")
        _scan_block(Block(r["containers"][tag], f"{source} {name}", data), out, depth + 1)
    elif tag == 0x014A:
        out.refuse(f"{source} SubIFDs", "the file holds further pictures (sub-images) that are not checked")
    elif isinstance(value, str):
        out.text(f"{source} {name}", value)
    elif isinstance(value, bytes):
        if holds_picture(value):
            out.refuse(f"{source} {name}", "the tag holds an embedded picture, which the guard does not check")
        elif tag in (0x9286, 0x9C9B, 0x9C9C, 0x9C9E, 0x9C9F) or tag in ExifTags.TAGS and value.isascii():
            out.text(f"{source} {name}", _as_text(value))
        else:
            out.text(f"{source} {name}", readable_strings(value))
    elif isinstance(value, tuple) and len(value) >= 4 and all(isinstance(v, int) and 32 <= v < 127 for v in value):
        out.text(f"{source} {name}", "".join(chr(v) for v in value))  # text smuggled as numbers


def exif_bytes_findings(data: bytes, source: str, out: _Collector, depth: int) -> None:
    exif = Image.Exif()
    try:
        exif.load(data[6:] if data.startswith(b"Exif\0") else data)
        exif_findings(exif, out, source=source, depth=depth)
    except Exception:  # noqa: BLE001 - damaged EXIF
        out.refuse(source, "the EXIF block is damaged and could not be checked")


# --- XMP --------------------------------------------------------------------------------------

def xmp_findings(packet: bytes | str, out: _Collector, source: str = "XMP") -> None:
    if isinstance(packet, str):
        packet = packet.encode("utf-8", "replace")
    if len(packet) > MAX_XMP_BYTES:
        out.refuse(source, "the XMP metadata is too large to check")
        return
    start = packet.find(b"<x:xmpmeta")
    end = packet.rfind(b"</x:xmpmeta>")
    body = packet[start:end + len(b"</x:xmpmeta>")] if start >= 0 and end > start else packet
    if b"<!ENTITY" in body or b"<!DOCTYPE" in body:
        out.refuse(source, "the XMP metadata declares entities, which the guard does not expand")
        return
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        out.text(f"{source} metadata", re.sub(rb"<[^>]*>", b" ", body).decode("utf-8", "replace"))
        return
    _xmp_walk(root, (), out, source)


# Namespaces of the XMP specification, IPTC and the Metadata Working Group: their property names
# are shown in messages; a property of any other namespace is masked (its name could be a value).
XMP_NAMESPACES = ("http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/", "http://iptc.org/std/",
                  "http://www.metadataworkinggroup.com/", "http://cipa.jp/exif/", "adobe:ns:meta/",
                  "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/XML/1998/namespace")


def _local(name: str) -> str:
    local = name.rsplit("}", 1)[-1]
    namespace = name[1:].split("}", 1)[0] if name.startswith("{") else ""
    if namespace and not namespace.startswith(XMP_NAMESPACES):
        return mask(local)
    return local


def _xmp_walk(element, trail: tuple[str, ...], out: _Collector, source: str) -> None:
    name = _local(element.tag)
    field_trail = trail if name in ("RDF", "Description", "Seq", "Bag", "Alt", "li", "xmpmeta") else trail + (name,)
    for attribute, value in element.attrib.items():
        _xmp_value(field_trail + (_local(attribute),), value, out, source)
    if element.text and element.text.strip():
        _xmp_value(field_trail, element.text, out, source)
    for child in element:
        _xmp_walk(child, field_trail, out, source)


def _xmp_value(trail: tuple[str, ...], value: str, out: _Collector, prefix: str) -> None:
    if not trail:
        return
    field = trail[-1]
    source = f"{prefix} {field}"
    if field in XMP_SKIP or field in ("about", "lang") or any(t in ("History", "DerivedFrom", "Ingredients") for t in trail):
        return
    if "GPS" in field and field not in ("GPSVersionID",):
        out.itself(source, Category.ADDRESS, value, "the photo records where it was taken")
    elif "SerialNumber" in field:
        out.itself(source, Category.DEVICE_ID, value, _WHY[Category.DEVICE_ID])
    elif field in XMP_DATES:
        out.itself(source, Category.DATE, value, _WHY[Category.DATE])
    elif field in XMP_NAMES or (field == "Name" and any("Region" in t for t in trail)):
        out.itself(source, Category.NAME, value, _WHY[Category.NAME])
    elif field in XMP_PLACES:
        out.itself(source, Category.ADDRESS, value, _WHY[Category.ADDRESS])
    elif field in ("Thumbnails", "image") or "Thumbnail" in "".join(trail):
        out.refuse(source, "the XMP metadata holds an embedded preview picture, which the guard does not check")
    elif not re.fullmatch(r"[\d\s.,/:+\-]*|True|False", value.strip()):
        out.text(source, value)


# --- IPTC, colour profiles, Photoshop resources ----------------------------------------------

def iptc_findings(data: bytes, out: _Collector, source: str = "IPTC") -> None:
    """IPTC-IIM records: 0x1C, record, dataset, 2-byte length (or an extended length), value."""
    position = 0
    while position < len(data):
        if data[position] != 0x1C:
            if data[position:].strip(b"\0"):
                out.refuse(source, "the IPTC metadata is damaged and could not be checked")
            return
        if position + 5 > len(data):
            out.refuse(source, "the IPTC metadata is cut short")
            return
        record, dataset, length = data[position + 1], data[position + 2], struct.unpack(">H", data[position + 3:position + 5])[0]
        position += 5
        if length & 0x8000:  # extended dataset: the next (length & 0x7FFF) bytes hold the length
            size = length & 0x7FFF
            length = int.from_bytes(data[position:position + size], "big")
            position += size
        value = data[position:position + length]
        position += length
        key = (record, dataset)
        if key in IPTC_SKIP:
            continue
        text = _as_text(value)
        if key in IPTC_BY_ITSELF:
            name, category = IPTC_BY_ITSELF[key]
            out.itself(f"{source} {name}", category, text, _WHY[category])
        elif holds_picture(value):
            out.refuse(f"{source} {record}:{dataset}", "it holds an embedded picture, which the guard does not check")
        else:
            out.text(f"{source} {record}:{dataset}", text)


# ICC.1 tag signatures that hold text (shown in messages; other signatures are masked).
ICC_TEXT_TAGS = {"desc", "cprt", "dmnd", "dmdd", "vued", "targ", "scrd", "ciis", "meta", "clrt", "ncl2", "tech"}


def icc_findings(profile: bytes, out: _Collector, source: str) -> None:
    known = _exif_rules()["icc_known"]
    try:
        texts, problems = icc_texts(profile)
    except (struct.error, ValueError, IndexError):
        out.refuse(source, "the colour profile is damaged and could not be checked")
        return
    for problem in problems:
        out.refuse(source, problem)
    for tag, text in texts:
        for line in text.split("\n"):
            if line.strip("\0 ") and line.strip("\0 ") not in known:
                shown = tag.strip() if tag in ICC_TEXT_TAGS else mask(tag)
                out.text(f"{source} '{shown}' text", line)


def _scan_block(block: Block, out: _Collector, depth: int = 0) -> None:
    if depth > MAX_NESTING:
        out.refuse(block.source, "metadata is nested too deeply to check")
        return
    data = block.data
    if block.kind == "refuse":
        out.refuse(block.source, str(data))
    elif block.kind == "exif":
        exif_bytes_findings(bytes(data), block.source, out, depth)
    elif block.kind == "xmp":
        xmp_findings(data, out, block.source)
    elif block.kind == "icc":
        icc_findings(bytes(data), out, block.source)
    elif block.kind == "iptc":
        iptc_findings(bytes(data), out, block.source)
    elif block.kind == "photoshop":
        for inner in photoshop_blocks(bytes(data), block.source):
            _scan_block(inner, out, depth + 1)
    elif block.kind == "strings":
        out.text(block.source, readable_strings(bytes(data)))
    elif block.kind == "date":
        out.itself(block.source, Category.DATE, "", _WHY[Category.DATE])
    elif block.kind == "text":
        _text_block(block, out, depth)


def _text_block(block: Block, out: _Collector, depth: int) -> None:
    r = _exif_rules()
    key, text = block.key, str(block.data)
    if key in r["png_allowed"]:
        return
    if key in ("XML:com.adobe.xmp",):
        xmp_findings(text, out, f"{block.source} (XMP)")
    elif key in r["png_by_itself"]:
        category = r["png_by_itself"][key]
        out.itself(f"{block.source} '{_shown_key(key)}'", category, text, _WHY[category])
    elif key.startswith("Raw profile type"):
        _raw_profile(key, text, block.source, out, depth)
    elif key in ("", "comment", "name", "plain text", "iCCP"):  # no keyword of its own
        out.text(block.source, text)
    else:
        out.text(f"{block.source} keyword", key)  # a keyword is free text too (up to 79 characters)
        out.text(f"{block.source} '{_shown_key(key)}'", text)


# Keywords registered for PNG text (PNG specification 11.3.4.2) and common writers' own: shown as
# they are in messages; any other keyword is masked (it could itself be a name).
PNG_KEYWORDS = {"Title", "Author", "Description", "Copyright", "Creation Time", "Software", "Disclaimer",
                "Warning", "Source", "Comment", "XML:com.adobe.xmp", "date:create", "date:modify",
                "date:timestamp", "parameters", "Label", "Keywords"}


def _shown_key(key: str) -> str:
    if key in PNG_KEYWORDS or re.fullmatch(r"Raw profile type (?:exif|APP1|iptc|xmp|icc|icm|8bim)", key):
        return key
    return mask(key)


def _raw_profile(key: str, text: str, source: str, out: _Collector, depth: int) -> None:
    """ImageMagick's hex-encoded profiles in PNG text ("Raw profile type exif")."""
    lines = text.strip().split("\n")
    try:
        data = bytes.fromhex("".join(lines[2:]).replace(" ", ""))
    except ValueError:
        out.text(f"{source} '{_shown_key(key)}'", text)
        return
    kind = key.rsplit(" ", 1)[-1].lower()
    mapped = {"exif": "exif", "app1": "exif", "iptc": "iptc", "xmp": "xmp", "icc": "icc", "icm": "icc",
              "8bim": "photoshop"}.get(kind, "strings")
    if kind == "iptc" and data.startswith(b"Photoshop 3.0\0"):
        mapped, data = "photoshop", data[14:]
    elif kind == "iptc" and data[:4] == b"8BIM":
        mapped = "photoshop"
    _scan_block(Block(mapped, f"{source} '{_shown_key(key)}'", data), out, depth + 1)


def _pillow_metadata(image: Image.Image, out: _Collector) -> None:
    """TIFF (and other formats without a byte walker): Pillow's tag directories and info."""
    exif_findings(image.getexif(), out, source=f"{image.format or 'image'} tags", thumbnails=False)
    tags = getattr(image, "tag_v2", None)
    if tags is not None:
        for tag in (33723, 34377, 700, 34675):  # IPTC, Photoshop, XMP, ICC outside the EXIF view
            if tag in tags and tag not in image.getexif():
                kind = {33723: "iptc", 34377: "photoshop", 700: "xmp", 34675: "icc"}[tag]
                value = tags[tag]
                data = value if isinstance(value, bytes) else bytes(value) if isinstance(value, tuple) else str(value).encode()
                _scan_block(Block(kind, f"{image.format} tag {tag}", data), out)
    for key, value in (image.info or {}).items():
        if key in ("comment",):
            out.text(f"{image.format} comment", _as_text(value))
        elif key == "icc_profile" and value and tags is None:
            icc_findings(value, out, f"{image.format} colour profile")


def metadata_findings(image: Image.Image, rel: str, data: bytes | None = None) -> list[Finding]:
    out = _Collector(rel)
    blocks = container_blocks(data) if data is not None else None
    if blocks is None:
        _pillow_metadata(image, out)
    else:
        for block in blocks:
            _scan_block(block, out)
    if out.text_problem:
        out.findings.append(cannot_verify(rel, f"metadata text could not be checked: {out.text_problem}", DETECTOR))
    return out.findings


# --- pixels ----------------------------------------------------------------------------------

def _scale_box(finding: Finding, factor: float) -> Finding:
    if finding.box is None or factor == 1.0:
        return finding
    return dataclasses.replace(finding, box=tuple(round(v * factor) for v in finding.box))


def _transparent(frame: Image.Image) -> bool:
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info) \
            or (frame.mode in ("RGB", "L") and "transparency" in frame.info):
        alpha = frame.convert("RGBA").getchannel("A")
        return alpha.getextrema()[0] < 255
    return False


def views(frame: Image.Image) -> list[tuple[str, Image.Image]]:
    """Every way this frame is shown: as published (orientation applied, alpha dropped: the
    build's own functions), as stored when the orientation turns it (the file in the repository,
    older viewers), and over white and black when it has transparency (browsers)."""
    upright = displayed(frame)
    shown = [("", flatten(upright))]
    if orientation_applied(frame):
        shown.append((" (as stored, before the orientation tag turns it)", flatten(frame)))
    if _transparent(upright):
        rgba = upright.convert("RGBA")
        for name, colour in (("white", (255, 255, 255, 255)), ("black", (0, 0, 0, 255))):
            shown.append((f" (transparent parts over {name})",
                          Image.alpha_composite(Image.new("RGBA", rgba.size, colour), rgba).convert("RGB")))
    return shown


def _pixel_findings(frame: Image.Image, rel: str, label: int | None, factor: float, *,
                    ocr: bool, faces: bool) -> list[Finding]:
    from .faces import check_faces, is_colour

    findings: list[Finding] = []
    for index, (how, view) in enumerate(views(frame)):
        found: list[Finding] = []
        if ocr:
            found += check_pixels_text(view, rel, frame=label, medical=not is_colour(view))
        if faces and (index == 0 or "transparent" in how):  # four orientations cover the stored view
            found += check_faces(view, rel, frame=label, all_orientations=True)
        if how:
            found = [dataclasses.replace(f, message=f.message + how) if f.category is not Category.CANNOT_VERIFY
                     else f for f in found]
        findings += [_scale_box(f, factor) for f in found if f not in findings]
    return findings


def check_image(path: Path, rel: str, *, ocr: bool = True, faces: bool = True) -> list[Finding]:
    """Metadata, burned-in text and faces of one image file."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return [cannot_verify(rel, f"the image file is too large to check safely (over "
                                       f"{MAX_FILE_BYTES // 2**20} MB): resize it", DETECTOR)]
        data = path.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's DecompressionBombWarning: our own limit applies
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return [cannot_verify(rel, f"the image is too large to check safely ({width}x{height} pixels, "
                                               f"limit {MAX_PIXELS // 1_000_000} megapixels): resize it", DETECTOR)]
                findings: list[Finding] = []
                n_frames = getattr(image, "n_frames", 1)
                if n_frames > MAX_FRAMES:
                    return [cannot_verify(rel, f"the image has {n_frames} frames; the guard checks at most "
                                               f"{MAX_FRAMES}: split it or keep the frames that teach", DETECTOR)]
                for index, frame in enumerate(ImageSequence.Iterator(image)):
                    if index == 0 and frame.format == "JPEG":
                        longest = max(width, height)
                        if longest > OCR_SIDE:  # decode reduced (1/2, 1/4, 1/8): bounded memory
                            frame.draft("RGB", (max(1, width * OCR_SIDE // longest), max(1, height * OCR_SIDE // longest)))
                    frame.load()  # decodes fully: a damaged image fails here
                    if index == 0:
                        findings += metadata_findings(image, rel, data)
                    elif frame.format == "TIFF":  # every page has its own tags
                        findings += [f for f in metadata_findings(frame, rel) if f not in findings]
                    if not (ocr or faces):
                        continue
                    label = index if n_frames > 1 else None
                    findings += _pixel_findings(frame, rel, label, width / frame.width if frame.width else 1.0,
                                                ocr=ocr, faces=faces)
                return findings
    except (UnidentifiedImageError, Image.DecompressionBombError) as error:
        reason = "it is not an image this tool can read" if isinstance(error, UnidentifiedImageError) \
            else "it is too large to decode safely"
        return [cannot_verify(rel, f"could not check this image: {reason}", DETECTOR)]
    except MemoryError:
        return [cannot_verify(rel, "could not check this image: it is too large to decode", DETECTOR)]
    except Exception as error:  # noqa: BLE001 - truncated or corrupt data, decoder errors
        return [cannot_verify(rel, f"could not check this image: the file is damaged or cut short "
                                   f"({error.__class__.__name__})", DETECTOR)]
