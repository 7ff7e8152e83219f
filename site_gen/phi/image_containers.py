"""Every block of an image file, walked from its bytes: what a decoder skips is still published.

A decoder (Pillow, a browser) reads the blocks it knows and skips the rest: private PNG chunks,
data after the end of the image, unknown JPEG application segments, a second EXIF segment, a
preview picture.  All of that is committed and downloadable from the repository.  The walkers
here list every block of a PNG, JPEG, WebP or GIF file as one of:

* a payload to scan, by kind: "text" (with its key), "exif", "xmp", "icc", "iptc", "photoshop",
  "strings" (an opaque block whose readable strings are scanned);
* a refusal, with the reason in plain words (unknown or private block, data after the end,
  an embedded picture, a damaged structure).

Blocks that only say how to draw the pixels (tables, gamma, palette, animation control) are
skipped.  Which is which comes from data/image-metadata.yml (with its sources).
TIFF (and BMP) files are read through Pillow's tag directories in image_metadata.py.
"""
from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

MAX_INFLATED = 4 * 2**20          # a compressed text chunk larger than this once inflated is refused
PICTURE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8", b"RIFF", b"II*\0", b"MM\0*")


@dataclass(frozen=True)
class Block:
    kind: str            # text, exif, xmp, icc, iptc, photoshop, strings, refuse
    source: str          # where it sits, in words ("PNG chunk tEXt", "JPEG APP1 segment")
    data: bytes | str = b""
    key: str = ""        # the keyword of a text chunk


@lru_cache(maxsize=1)
def rules() -> dict:
    import yaml

    text = resources.files("site_gen.phi").joinpath("data", "image-metadata.yml").read_text("utf-8")
    return yaml.safe_load(text)


def _refuse(source: str, why: str) -> Block:
    return Block("refuse", source, why)


def chunk_name(raw: bytes) -> str:
    """A chunk or segment name safe to print: registered names as they are, others masked."""
    text = raw.decode("latin-1")
    known = set(rules()["png_allowed_chunks"]) | set(rules()["png_text_chunks"]) | set(rules()["png_critical_chunks"]) \
        | set(rules()["webp_allowed_chunks"]) | {"eXIf", "iCCP", "tIME", "ICCP", "EXIF", "XMP ", "pCAL", "sPLT", "sCAL"}
    if text in known:
        return text.strip()
    return "".join("X" if c.isupper() else "x" if c.isalpha() else "9" if c.isdigit() else "?" for c in text)


def _inflate(data: bytes, source: str) -> bytes | Block:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_INFLATED)
    except zlib.error:
        return _refuse(source, "its compressed text is damaged")
    if inflater.unconsumed_tail:
        return _refuse(source, "its compressed text is too large to check")
    return out


# --- PNG ------------------------------------------------------------------------------------

def png_blocks(data: bytes) -> list[Block]:
    r = rules()
    allowed = set(r["png_allowed_chunks"]) | set(r["png_critical_chunks"])
    blocks: list[Block] = []
    position = 8
    seen_end = False
    while position < len(data):
        if seen_end:
            blocks.append(_refuse("PNG file", f"{len(data) - position} bytes follow the end of the image (IEND): "
                                              "hidden data that image viewers do not show"))
            break
        if position + 12 > len(data):
            blocks.append(_refuse("PNG file", "the file ends inside a chunk (cut short or damaged)"))
            break
        length, = struct.unpack(">I", data[position:position + 4])
        raw_type = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        end = position + 12 + length
        if length > 2**31 - 1 or end > len(data) or not raw_type.isalpha():
            blocks.append(_refuse("PNG file", "a chunk runs past the end of the file (cut short or damaged)"))
            break
        crc, = struct.unpack(">I", data[end - 4:end])
        name = chunk_name(raw_type)
        source = f"PNG chunk '{name}'"
        if zlib.crc32(raw_type + body) & 0xFFFFFFFF != crc:
            blocks.append(_refuse(source, "its checksum is wrong (damaged or altered chunk)"))
        chunk = raw_type.decode("latin-1")
        if chunk == "IEND":
            seen_end = True
        elif chunk in allowed:
            pass
        elif chunk in ("tEXt", "zTXt", "iTXt"):
            blocks.append(_png_text(chunk, body, source))
        elif chunk == "eXIf":
            blocks.append(Block("exif", "EXIF", body))
        elif chunk == "iCCP":
            keyword, _, rest = body.partition(b"\0")
            blocks.append(Block("text", "PNG colour profile name", keyword.decode("latin-1"), key="iCCP"))
            profile = _inflate(rest[1:], source)
            blocks.append(profile if isinstance(profile, Block) else Block("icc", "colour profile", profile))
        elif chunk == "tIME":
            blocks.append(Block("date", "PNG tIME chunk", "modification time"))
        elif chunk in ("pCAL", "sPLT", "sCAL"):
            blocks.append(Block("strings", source, body))
        else:
            private = raw_type[1:2].islower()
            blocks.append(_refuse(source, f"{'a private' if private else 'an unknown'} chunk the guard cannot read "
                                          "(it is committed with the file)"))
        position = end
    if not seen_end and not any(b.kind == "refuse" and b.source == "PNG file" for b in blocks):
        blocks.append(_refuse("PNG file", "the image has no end (IEND chunk missing: cut short?)"))
    return blocks


def _png_text(chunk: str, body: bytes, source: str) -> Block:
    keyword, _, rest = body.partition(b"\0")
    key = keyword.decode("latin-1", "replace")
    if chunk == "tEXt":
        return Block("text", source, rest.decode("latin-1"), key=key)
    if chunk == "zTXt":
        text = _inflate(rest[1:], source)
        return text if isinstance(text, Block) else Block("text", source, text.decode("latin-1"), key=key)
    if len(rest) < 2:
        return _refuse(source, "a damaged international text chunk")
    compressed, rest = rest[0], rest[2:]
    _language, _, rest = rest.partition(b"\0")
    translated, _, text = rest.partition(b"\0")
    if compressed:
        inflated = _inflate(text, source)
        if isinstance(inflated, Block):
            return inflated
        text = inflated
    value = text.decode("utf-8", "replace")
    if translated:
        value = translated.decode("utf-8", "replace") + "\n" + value
    return Block("text", source, value, key=key)


# --- JPEG -----------------------------------------------------------------------------------

APP_NAMES = {0xE0 + n: f"APP{n}" for n in range(16)}


def jpeg_blocks(data: bytes) -> list[Block]:
    r = rules()
    structure = set(r["jpeg_structure_markers"])
    blocks: list[Block] = []
    icc_parts: dict[int, bytes] = {}
    extended_xmp: dict[bytes, dict[int, bytes]] = {}
    position = 2
    while True:
        while position < len(data) and data[position] == 0xFF and position + 1 < len(data) and data[position + 1] == 0xFF:
            position += 1  # fill bytes
        if position + 2 > len(data) or data[position] != 0xFF:
            blocks.append(_refuse("JPEG file", "the segment structure is damaged or cut short"))
            return blocks
        marker = data[position + 1]
        if marker == 0xD9:  # EOI
            position += 2
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        if position + 4 > len(data):
            blocks.append(_refuse("JPEG file", "the file ends inside a segment (cut short)"))
            return blocks
        length, = struct.unpack(">H", data[position + 2:position + 4])
        body = data[position + 4:position + 2 + length]
        if length < 2 or position + 2 + length > len(data):
            blocks.append(_refuse("JPEG file", "a segment runs past the end of the file (cut short or damaged)"))
            return blocks
        position += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data follows until the next real marker
            while True:
                found = data.find(b"\xff", position)
                if found < 0 or found + 1 >= len(data):
                    blocks.append(_refuse("JPEG file", "the image data has no end (EOI marker missing: cut short?)"))
                    return blocks
                follower = data[found + 1]
                if follower == 0x00 or 0xD0 <= follower <= 0xD7 or follower == 0xFF:
                    position = found + (1 if follower == 0xFF else 2)
                    continue
                position = found
                break
            continue
        if marker in structure:
            continue
        if marker == 0xFE:
            blocks.append(Block("text", "JPEG comment", body.decode("utf-8", "replace") if _utf8(body)
                                else body.decode("latin-1"), key="comment"))
        elif marker in APP_NAMES:
            blocks.extend(_app_segment(marker, body, icc_parts, extended_xmp))
        else:
            blocks.append(_refuse(f"JPEG marker FF{marker:02X}", "an unknown segment the guard cannot read"))
    if icc_parts:
        blocks.append(Block("icc", "colour profile", b"".join(icc_parts[k] for k in sorted(icc_parts))))
    for guid, parts in extended_xmp.items():
        blocks.append(Block("xmp", "XMP (extended)", b"".join(parts[k] for k in sorted(parts))))
    rest = data[position:]
    if rest.strip(b"\0").strip(b"\xff"):
        what = "another picture" if holds_picture(rest) else "data"
        blocks.append(_refuse("JPEG file", f"{len(rest)} bytes of {what} follow the end of the image (EOI): "
                                           "phones store depth maps and second pictures there; viewers do not show them"))
    return blocks


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _app_segment(marker: int, body: bytes, icc_parts: dict, extended_xmp: dict) -> list[Block]:
    name = APP_NAMES[marker]
    source = f"JPEG {name} segment"
    if marker == 0xE0:
        if body.startswith(b"JFIF\0") and len(body) >= 14:
            if body[12] or body[13] or len(body) > 14:
                return [_refuse("JPEG JFIF header", "it holds an embedded preview picture (thumbnail), "
                                                    "which the guard does not check")]
            return []
        if body.startswith(b"JFXX\0"):
            return [_refuse("JPEG JFIF extension", "it holds an embedded preview picture (thumbnail), "
                                                   "which the guard does not check")]
    elif marker == 0xE1:
        if body.startswith(b"Exif\0"):
            return [Block("exif", "EXIF", body[6:])]
        if body.startswith(b"http://ns.adobe.com/xap/1.0/\0"):
            return [Block("xmp", "XMP", body[29:])]
        if body.startswith(b"http://ns.adobe.com/xmp/extension/\0") and len(body) >= 35 + 40:
            guid, offset = body[35:67], struct.unpack(">I", body[71:75])[0]
            extended_xmp.setdefault(guid, {})[offset] = body[75:]
            return []
    elif marker == 0xE2:
        if body.startswith(b"ICC_PROFILE\0") and len(body) >= 14:
            icc_parts[body[12]] = body[14:]
            return []
        if body.startswith(b"MPF\0"):
            return [_refuse("JPEG multi-picture (MPF) segment", "the file holds more pictures than the one shown "
                                                                "(previews, depth maps), which the guard does not check")]
    elif marker == 0xED:
        if body.startswith(b"Photoshop 3.0\0"):
            return [Block("photoshop", "Photoshop metadata (JPEG APP13)", body[14:])]
    elif marker == 0xEC:
        if body.startswith((b"Ducky", b"PictureInfo")):  # Photoshop "save for web" quality, old cameras' notes
            return [Block("strings", f"{source} ({body[:5].decode()})", body)]
    elif marker == 0xEE:
        if body.startswith(b"Adobe") and len(body) <= 12:
            return []
    return [_refuse(source, "an application segment the guard cannot read (it is committed with the file)")]


# --- WebP -----------------------------------------------------------------------------------

def webp_blocks(data: bytes) -> list[Block]:
    allowed = set(rules()["webp_allowed_chunks"])
    blocks: list[Block] = []
    if len(data) < 12:
        return [_refuse("WebP file", "the file is cut short")]
    declared, = struct.unpack("<I", data[4:8])
    end = 8 + declared
    if end > len(data):
        return [_refuse("WebP file", "the file is cut short")]
    if data[end:].strip(b"\0"):
        blocks.append(_refuse("WebP file", f"{len(data) - end} bytes follow the end of the image: hidden data"))
    blocks.extend(_riff_chunks(data[12:end], allowed, "WebP"))
    return blocks


def _riff_chunks(data: bytes, allowed: set[str], label: str) -> list[Block]:
    blocks = []
    position = 0
    while position + 8 <= len(data):
        raw_type = data[position:position + 4]
        size, = struct.unpack("<I", data[position + 4:position + 8])
        body = data[position + 8:position + 8 + size]
        if position + 8 + size > len(data):
            return blocks + [_refuse(f"{label} file", "a chunk runs past the end of the file (cut short or damaged)")]
        chunk = raw_type.decode("latin-1")
        source = f"{label} chunk '{chunk_name(raw_type)}'"
        if chunk == "ANMF" and len(body) > 16:
            blocks.extend(_riff_chunks(body[16:], allowed, label))
        elif chunk in allowed:
            pass
        elif chunk == "EXIF":
            blocks.append(Block("exif", "EXIF", body[6:] if body.startswith(b"Exif\0") else body))
        elif chunk == "XMP ":
            blocks.append(Block("xmp", "XMP", body))
        elif chunk == "ICCP":
            blocks.append(Block("icc", "colour profile", body))
        else:
            blocks.append(_refuse(source, "an unknown chunk the guard cannot read (it is committed with the file)"))
        position += 8 + size + (size & 1)
    if data[position:].strip(b"\0"):
        blocks.append(_refuse(f"{label} file", "the chunk structure is damaged"))
    return blocks


# --- GIF ------------------------------------------------------------------------------------

def _sub_blocks(data: bytes, position: int) -> tuple[list[bytes], int]:
    """The data sub-blocks starting at `position` and the position after their terminator."""
    parts = []
    while True:
        size = data[position]  # IndexError when cut short
        position += 1
        if size == 0:
            return parts, position
        if position + size > len(data):
            raise ValueError("cut short")
        parts.append(data[position:position + size])
        position += size


def gif_blocks(data: bytes) -> list[Block]:
    allowed = {a.encode("latin-1") for a in rules()["gif_allowed_applications"]}
    blocks: list[Block] = []
    try:
        flags = data[10]
        position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
        while True:
            introducer = data[position]
            if introducer == 0x3B:  # trailer
                position += 1
                break
            if introducer == 0x2C:  # image: descriptor, local colour table, LZW data
                local = data[position + 9]
                position += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0) + 1
                _, position = _sub_blocks(data, position)
                continue
            if introducer != 0x21:
                blocks.append(_refuse("GIF file", "the block structure is damaged"))
                return blocks
            label = data[position + 1]
            parts, position = _sub_blocks(data, position + 2)
            head = parts[0] if parts else b""
            if label == 0xF9:
                continue  # graphic control: timing and transparency
            if label == 0xFE:
                blocks.append(Block("text", "GIF comment", b"".join(parts).decode("latin-1"), key="comment"))
            elif label == 0x01:  # plain text drawn over the image by some viewers
                blocks.append(Block("text", "GIF plain-text block", b"".join(parts[1:]).decode("latin-1"),
                                    key="plain text"))
            elif label == 0xFF and head[:11] in allowed:
                continue
            elif label == 0xFF and head.startswith(b"XMP DataXMP"):
                blocks.append(Block("xmp", "XMP", b"".join(parts[1:])))
            elif label == 0xFF and head.startswith(b"ICCRGBG1012"):
                blocks.append(Block("icc", "colour profile", b"".join(parts[1:])))
            else:
                blocks.append(_refuse("GIF extension block", "an extension the guard cannot read"))
    except (IndexError, ValueError):
        return blocks + [_refuse("GIF file", "the file is cut short or damaged")]
    if data[position:].strip(b"\0"):
        blocks.append(_refuse("GIF file", f"{len(data) - position} bytes follow the end of the image (trailer): "
                                          "hidden data that viewers do not show"))
    return blocks


# --- BMP ------------------------------------------------------------------------------------

def bmp_blocks(data: bytes) -> list[Block]:
    if len(data) < 14:
        return [_refuse("BMP file", "the file is cut short")]
    declared, = struct.unpack("<I", data[2:6])
    if declared and len(data) > declared and data[declared:].strip(b"\0"):
        return [_refuse("BMP file", f"{len(data) - declared} bytes follow the end of the image: hidden data")]
    return []


# --- opaque blocks ---------------------------------------------------------------------------

_ASCII_RUN = re.compile(rb"[\x20-\x7e\t]{4,}")
_UTF16BE_RUN = re.compile(rb"(?:\x00[\x20-\x7e]){4,}")
_UTF16LE_RUN = re.compile(rb"(?:[\x20-\x7e]\x00){4,}")


def readable_strings(data: bytes) -> str:
    """The runs of readable text in a binary block (ASCII, UTF-16 either way), one a line."""
    runs = [m.group().decode("ascii") for m in _ASCII_RUN.finditer(data)]
    runs += [m.group().decode("utf-16-be") for m in _UTF16BE_RUN.finditer(data)]
    runs += [m.group().decode("utf-16-le") for m in _UTF16LE_RUN.finditer(data)]
    return "\n".join(runs)


def holds_picture(data: bytes) -> bool:
    return any(data.find(signature) >= 0 for signature in PICTURE_SIGNATURES[:3])


def photoshop_blocks(data: bytes, source: str) -> list[Block]:
    """Photoshop image resource blocks ("8BIM", id, Pascal name, size, data)."""
    r = rules()
    settings = set(r["photoshop_settings_resources"])
    thumbnails = set(r["photoshop_thumbnail_resources"])
    containers = r["photoshop_containers"]
    blocks: list[Block] = []
    position = 0
    while position + 12 <= len(data):
        if data[position:position + 4] not in (b"8BIM", b"MeSa", b"PHUT", b"AgHg", b"DCSR"):
            return blocks + [_refuse(source, "the image resource blocks are damaged")]
        resource, = struct.unpack(">H", data[position + 4:position + 6])
        name_length = data[position + 6]
        name = data[position + 7:position + 7 + name_length]
        position += 6 + ((1 + name_length + 1) & ~1)
        if position + 4 > len(data):
            return blocks + [_refuse(source, "the image resource blocks are damaged")]
        size, = struct.unpack(">I", data[position:position + 4])
        body = data[position + 4:position + 4 + size]
        if position + 4 + size > len(data):
            return blocks + [_refuse(source, "the image resource blocks are cut short")]
        position += 4 + size + (size & 1)
        where = f"{source} resource {resource:#06x}"
        if name:
            blocks.append(Block("text", f"{where} name", name.decode("latin-1"), key="name"))
        if resource in thumbnails:
            blocks.append(_refuse(where, "it holds an embedded preview picture (thumbnail), which the guard does not check"))
        elif resource in containers:
            kind = containers[resource]
            blocks.append(Block(kind, {"iptc": "IPTC", "exif": "EXIF", "xmp": "XMP"}.get(kind, "colour profile"), body))
        elif resource in settings:
            continue
        elif holds_picture(body):
            blocks.append(_refuse(where, "it holds an embedded picture, which the guard does not check"))
        else:
            blocks.append(Block("strings", where, body))
    return blocks


def container_blocks(data: bytes) -> list[Block] | None:
    """The blocks of a PNG, JPEG, WebP, GIF or BMP file; None for other formats (TIFF)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return png_blocks(data)
    if data.startswith(b"\xff\xd8"):
        return jpeg_blocks(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return webp_blocks(data)
    if data.startswith((b"GIF87a", b"GIF89a")):
        return gif_blocks(data)
    if data.startswith(b"BM"):
        return bmp_blocks(data)
    return None


# --- ICC profiles ----------------------------------------------------------------------------

def icc_texts(profile: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    """(tag signature, text) of every text tag, and problems (unknown tag types, damage)."""
    r = rules()
    text_types = set(r["icc_text_types"])
    numeric = set(r["icc_numeric_types"])
    texts: list[tuple[str, str]] = []
    problems: list[str] = []
    if len(profile) < 132:
        return texts, ["the colour profile is cut short"]
    count, = struct.unpack(">I", profile[128:132])
    if 132 + 12 * count > len(profile):
        return texts, ["the colour profile's tag table is damaged"]
    for index in range(count):
        signature, offset, size = struct.unpack(">4sII", profile[132 + 12 * index:144 + 12 * index])
        body = profile[offset:offset + size]
        if len(body) < 8 or offset + size > len(profile):
            problems.append("a colour profile tag runs past the end of the profile")
            continue
        kind = body[:4].decode("latin-1")
        tag = signature.decode("latin-1")
        if kind in text_types:
            texts.append((tag, _icc_text(kind, body)))
        elif kind not in numeric:
            if holds_picture(body):
                problems.append("a colour profile tag holds a picture")
            else:
                texts.append((tag, readable_strings(body[8:])))
    return texts, problems


def _icc_text(kind: str, body: bytes) -> str:
    if kind == "text":
        return body[8:].split(b"\0")[0].decode("latin-1")
    if kind == "desc":
        length, = struct.unpack(">I", body[8:12])
        ascii_text = body[12:12 + length].split(b"\0")[0].decode("latin-1")
        return ascii_text + "\n" + readable_strings(body[12 + length:])
    # mluc: records of (language, country, length, offset) into UTF-16BE strings
    count, record_size = struct.unpack(">II", body[8:16])
    parts = []
    for index in range(min(count, 1000)):
        start = 16 + index * record_size
        if start + 12 > len(body):
            break
        length, offset = struct.unpack(">II", body[start + 4:start + 12])
        parts.append(body[offset:offset + length].decode("utf-16-be", "replace"))
    return "\n".join(parts)
