"""Photographs and screenshots (JPEG, PNG, TIFF, GIF, WebP): metadata, burned-in text, faces.

`check_image(path, rel)` is the entry point.

Metadata that is a finding BY ITSELF (whatever its value):
  GPS position (EXIF GPS IFD, XMP exif:GPS*)                          -> ADDRESS
  capture dates (EXIF DateTime/DateTimeOriginal/DateTimeDigitized, XMP CreateDate/DateCreated,
  IPTC 2:55/2:62, PNG "Creation Time" and ImageMagick date:* chunks)  -> DATE
  camera/lens serial numbers, image unique ID, maker notes            -> DEVICE_ID / ID_NUMBER
  (maker notes are opaque vendor blocks that can carry serials, owner and face-tag names)
  artist, camera owner, author, IPTC by-line/writer, XMP creator and named face regions -> NAME
  IPTC/XMP city and sub-location                                       -> ADDRESS
Every other text value (descriptions, comments, keywords, captions, copyright, PNG tEXt/zTXt/iTXt
chunks, JPEG COM segments, TIFF text tags) goes through the free-text detector.
Camera make, model, lens model and software are allowed: they name a product, not a person
(a serial number is what ties a photo to one device, and that is flagged).

Safety: images over 100 megapixels are refused (CANNOT_VERIFY) before decoding, JPEGs are
decoded at a reduced scale (draft mode, <= ~2600 px) for OCR and faces, and an image that
cannot be decoded completely is CANNOT_VERIFY, never a pass.
"""
from __future__ import annotations

import dataclasses
import re
import warnings
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from .finding import Category, Finding, mask, value_hash
from .ocr import TextDetectorUnavailable, cannot_verify, check_pixels_text, text_spans

MAX_PIXELS = 100_000_000
MAX_FRAMES = 50
OCR_SIDE = 2600
MAX_XMP_BYTES = 2_000_000
DETECTOR = "image-metadata"

# EXIF tag ids (CIPA DC-008 / TIFF 6.0), by what they reveal on their own.
EXIF_BY_ITSELF = {
    0x0132: ("DateTime", Category.DATE),
    0x9003: ("DateTimeOriginal", Category.DATE),
    0x9004: ("DateTimeDigitized", Category.DATE),
    0x013B: ("Artist", Category.NAME),
    0xA430: ("CameraOwnerName", Category.NAME),
    0x9C9D: ("XPAuthor", Category.NAME),
    0xA431: ("BodySerialNumber", Category.DEVICE_ID),
    0xA435: ("LensSerialNumber", Category.DEVICE_ID),
    0xC62F: ("CameraSerialNumber", Category.DEVICE_ID),
    0xA420: ("ImageUniqueID", Category.ID_NUMBER),
    0x927C: ("MakerNote", Category.DEVICE_ID),
}
EXIF_ALLOWED = {0x010F: "Make", 0x0110: "Model", 0x0131: "Software", 0xA433: "LensMake", 0xA434: "LensModel",
                0x9010: "OffsetTime", 0x9011: "OffsetTimeOriginal", 0x9012: "OffsetTimeDigitized"}
EXIF_NAMES = {0x010E: "ImageDescription", 0x8298: "Copyright", 0x013C: "HostComputer", 0x010D: "DocumentName",
              0x011D: "PageName", 0x9286: "UserComment", 0x9C9B: "XPTitle", 0x9C9C: "XPComment",
              0x9C9E: "XPKeywords", 0x9C9F: "XPSubject"}
IFD_EXIF, IFD_GPS = 0x8769, 0x8825

IPTC_BY_ITSELF = {
    (2, 80): ("By-line", Category.NAME), (2, 122): ("Writer/Editor", Category.NAME),
    (2, 55): ("Date Created", Category.DATE), (2, 62): ("Digital Creation Date", Category.DATE),
    (2, 90): ("City", Category.ADDRESS), (2, 92): ("Sub-location", Category.ADDRESS),
}
IPTC_SKIP = {(2, 0), (2, 101), (2, 100), (2, 60), (2, 63)}  # version, country, times (dates are flagged)

XMP_DATES = {"DateTimeOriginal", "CreateDate", "DateCreated", "DateTimeDigitized", "GPSDateStamp"}
XMP_NAMES = {"creator", "Artist", "OwnerName", "CameraOwnerName", "PersonInImage", "Author", "By-line"}
XMP_PLACES = {"City", "Sublocation", "Location", "LocationShown", "LocationCreated"}
XMP_SKIP = {"DocumentID", "InstanceID", "OriginalDocumentID", "documentID", "instanceID", "CreatorTool",
            "softwareAgent", "format", "ModifyDate", "MetadataDate", "when", "action", "changed", "Make",
            "Model", "Software", "Lens", "LensModel", "LensInfo", "ColorMode", "ICCProfile", "Rating",
            "Orientation", "parameters", "State", "Country", "CountryCode", "ExifVersion", "FlashpixVersion"}
PNG_BY_ITSELF = {"Author": Category.NAME, "Creation Time": Category.DATE, "date:create": Category.DATE,
                 "date:modify": Category.DATE, "date:timestamp": Category.DATE}
PNG_ALLOWED = {"Software"}


class _Collector:
    def __init__(self, rel: str):
        self.rel = rel
        self.findings: list[Finding] = []
        self.text_problem: str | None = None

    def itself(self, source: str, category: Category, value: str, why: str) -> None:
        self.findings.append(Finding(
            path=self.rel, category=category, detector=DETECTOR,
            message=f"{source}: {why}: {mask(value) if value else '(binary)'} - strip the metadata before committing",
            masked=mask(value) if value else "", value_hash=value_hash(value) if value else ""))

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


def exif_findings(image: Image.Image, out: _Collector) -> None:
    exif = image.getexif()
    if not exif:
        return
    gps = exif.get_ifd(IFD_GPS)
    if any(tag != 0 for tag in gps):  # tag 0 is GPSVersionID alone
        position = " ".join(_as_text(gps.get(t, "")) for t in (1, 2, 3, 4) if t in gps)
        out.itself("EXIF GPS", Category.ADDRESS, position or "GPS", "the photo records where it was taken")
    for ifd in (exif, exif.get_ifd(IFD_EXIF)):
        for tag, value in ifd.items():
            if tag in (IFD_EXIF, IFD_GPS) or tag in EXIF_ALLOWED:
                continue
            if tag in EXIF_BY_ITSELF:
                name, category = EXIF_BY_ITSELF[tag]
                shown = "" if tag == 0x927C else _as_text(value).strip("\0 ")
                if shown or tag == 0x927C:
                    out.itself(f"EXIF {name}", category, shown, _WHY[category])
            elif isinstance(value, (str, bytes)) and (tag in EXIF_NAMES or isinstance(value, str)):
                out.text(f"EXIF {EXIF_NAMES.get(tag, hex(tag))}", _as_text(value))


_WHY = {
    Category.DATE: "the photo records when it was taken",
    Category.NAME: "the metadata names a person",
    Category.DEVICE_ID: "the metadata identifies the camera (serial number or maker notes)",
    Category.ID_NUMBER: "the metadata carries a unique identifier",
    Category.ADDRESS: "the metadata records a place",
}


def xmp_findings(packet: bytes | str, out: _Collector) -> None:
    if isinstance(packet, str):
        packet = packet.encode("utf-8", "replace")
    if len(packet) > MAX_XMP_BYTES:
        out.findings.append(cannot_verify(out.rel, "the XMP metadata is too large to check", DETECTOR))
        return
    start = packet.find(b"<x:xmpmeta")
    end = packet.rfind(b"</x:xmpmeta>")
    body = packet[start:end + len(b"</x:xmpmeta>")] if start >= 0 and end > start else packet
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        out.text("XMP metadata", re.sub(rb"<[^>]*>", b" ", body).decode("utf-8", "replace"))
        return
    _xmp_walk(root, (), out)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _xmp_walk(element, trail: tuple[str, ...], out: _Collector) -> None:
    name = _local(element.tag)
    field_trail = trail if name in ("RDF", "Description", "Seq", "Bag", "Alt", "li", "xmpmeta") else trail + (name,)
    for attribute, value in element.attrib.items():
        _xmp_value(field_trail + (_local(attribute),), value, out)
    if element.text and element.text.strip():
        _xmp_value(field_trail, element.text, out)
    for child in element:
        _xmp_walk(child, field_trail, out)


def _xmp_value(trail: tuple[str, ...], value: str, out: _Collector) -> None:
    if not trail:
        return
    field = trail[-1]
    source = f"XMP {field}"
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
    elif not re.fullmatch(r"[\d\s.,/:+\-]*|True|False", value.strip()):
        out.text(source, value)


def iptc_findings(image: Image.Image, out: _Collector) -> None:
    from PIL import IptcImagePlugin

    try:
        info = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:  # noqa: BLE001 - damaged IPTC block
        out.findings.append(cannot_verify(out.rel, "the IPTC metadata is damaged and could not be checked", DETECTOR))
        return
    for key, value in info.items():
        if key[0] != 2 or key in IPTC_SKIP:
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            text = _as_text(item)
            if key in IPTC_BY_ITSELF:
                name, category = IPTC_BY_ITSELF[key]
                out.itself(f"IPTC {name}", category, text, _WHY[category])
            else:
                out.text(f"IPTC {key[0]}:{key[1]}", text)


def text_chunk_findings(image: Image.Image, out: _Collector) -> None:
    """PNG tEXt/zTXt/iTXt chunks (`image.text`), JPEG/GIF comments, XMP and IPTC carriers."""
    chunks = dict(getattr(image, "text", {}) or {})
    for key, value in chunks.items():
        text = _as_text(value)
        if key in PNG_ALLOWED:
            continue
        if key == "XML:com.adobe.xmp":
            xmp_findings(text, out)
        elif key in PNG_BY_ITSELF:
            category = PNG_BY_ITSELF[key]
            out.itself(f"PNG text chunk '{key}'", category, text, _WHY[category])
        elif key.startswith("Raw profile type"):
            _raw_profile(key, text, out)
        else:
            out.text(f"PNG text chunk '{key}'", f"{text}")
    for marker, data in getattr(image, "applist", []) or []:
        if marker == "COM":
            out.text("JPEG comment", _as_text(data))
    if image.format != "JPEG" and "comment" in image.info:
        out.text(f"{image.format} comment", _as_text(image.info["comment"]))
    if "xmp" in image.info and "XML:com.adobe.xmp" not in chunks:
        xmp_findings(image.info["xmp"], out)
    tags = getattr(image, "tag_v2", None)
    if tags is not None and 700 in tags and "xmp" not in image.info:
        xmp_findings(tags[700], out)


def _raw_profile(key: str, text: str, out: _Collector) -> None:
    """ImageMagick's hex-encoded profiles in PNG text ("Raw profile type exif")."""
    lines = text.strip().split("\n")
    try:
        data = bytes.fromhex("".join(lines[2:]).replace(" ", ""))
    except ValueError:
        out.text(f"PNG text chunk '{key}'", text)
        return
    if key.endswith("exif") or key.endswith("APP1"):
        exif = Image.Exif()
        try:
            exif.load(data[6:] if data.startswith(b"Exif\0\0") else data)
        except Exception:  # noqa: BLE001
            out.findings.append(cannot_verify(out.rel, f"the embedded profile '{key}' is damaged", DETECTOR))
            return
        carrier = Image.new("L", (1, 1))
        carrier.getexif().update(exif)
        carrier.info["exif"] = exif.tobytes()
        exif_findings(carrier, out)
    elif key.endswith("iptc") or key.endswith("xmp"):
        out.text(f"PNG text chunk '{key}'", data.decode("utf-8", "replace"))


def metadata_findings(image: Image.Image, rel: str) -> list[Finding]:
    out = _Collector(rel)
    exif_findings(image, out)
    iptc_findings(image, out)
    text_chunk_findings(image, out)
    if out.text_problem:
        out.findings.append(cannot_verify(rel, f"metadata text could not be checked: {out.text_problem}", DETECTOR))
    return out.findings


def _scale_box(finding: Finding, factor: float) -> Finding:
    if finding.box is None or factor == 1.0:
        return finding
    return dataclasses.replace(finding, box=tuple(round(v * factor) for v in finding.box))


def check_image(path: Path, rel: str, *, ocr: bool = True, faces: bool = True) -> list[Finding]:
    """Metadata, burned-in text and faces of one image file."""
    from .faces import check_faces, is_colour

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's DecompressionBombWarning: our own limit applies
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return [cannot_verify(rel, f"the image is too large to check safely ({width}x{height} pixels, "
                                               f"limit {MAX_PIXELS // 1_000_000} megapixels): resize it", DETECTOR)]
                findings: list[Finding] = []
                n_frames = getattr(image, "n_frames", 1)
                for index, frame in enumerate(ImageSequence.Iterator(image)):
                    if index >= MAX_FRAMES:
                        findings.append(cannot_verify(rel, f"only the first {MAX_FRAMES} of {n_frames} frames were checked", DETECTOR))
                        break
                    if index == 0 and frame.format == "JPEG":
                        longest = max(width, height)
                        if longest > OCR_SIDE:  # decode reduced (1/2, 1/4, 1/8): bounded memory
                            frame.draft("RGB", (max(1, width * OCR_SIDE // longest), max(1, height * OCR_SIDE // longest)))
                    frame.load()  # decodes fully: a damaged image fails here
                    if index == 0:
                        findings += metadata_findings(image, rel)
                    if not (ocr or faces):
                        continue
                    pixels = frame.convert("RGB") if frame.mode not in ("L", "RGB") else frame.copy()
                    factor = width / pixels.width
                    label = index if n_frames > 1 else None
                    if ocr:
                        medical = not is_colour(pixels)  # greyscale: likely a radiology export
                        findings += [_scale_box(f, factor) for f in
                                     check_pixels_text(pixels, rel, frame=label, medical=medical)]
                    if faces:
                        findings += [_scale_box(f, factor) for f in check_faces(pixels, rel, frame=label)]
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
