"""Text hidden in compressed frames: JPEG and JPEG 2000 comment and application segments.

An encapsulated DICOM frame is a whole JPEG (or JPEG-LS) or JPEG 2000 codestream, and those
formats carry free text of their own: JPEG COM segments and APPn segments (EXIF with dates and
camera owner, XMP, vendor blocks), JPEG 2000 COM marker segments in the main and tile-part
headers, and - when a JP2 file is wrapped instead of a bare codestream - xml, uuid and other
boxes.  None of it is part of the DICOM header, so a header check never sees it.

* `segments_with_text(frame)` lists what a frame carries besides the image (for the guard);
* `strip_text(frame)` returns the frame without it, or None when the stream cannot be parsed
  or holds something that cannot simply be dropped (the caller then decodes and writes the
  pixels uncompressed).

Kept: JPEG APP0 "JFIF" without a thumbnail and APP14 "Adobe" (colour transform flags the
decoder needs); everything in the entropy-coded data.  The marker layouts are those of ITU-T
T.81 (JPEG), T.87 (JPEG-LS) and T.800 (JPEG 2000).
"""
from __future__ import annotations

from dataclasses import dataclass

JPEG_SYNTAXES = frozenset({"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
                           "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"})
J2K_SYNTAXES = frozenset({"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92",
                          "1.2.840.10008.1.2.4.93", "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
                          "1.2.840.10008.1.2.4.203"})
_STANDALONE = {0x01, *range(0xD0, 0xDA)}   # TEM, RSTn, SOI, EOI: markers without a length


@dataclass(frozen=True)
class Segment:
    kind: str      # "JPEG comment", "JPEG APP1 (Exif)", "JPEG 2000 comment", "JP2 xml box"...
    size: int


def _jfif_without_thumbnail(body: bytes) -> bool:
    # JFIF APP0: "JFIF\0", version(2), units(1), density(4), thumbnail width(1), height(1), data
    return body.startswith(b"JFIF\0") and len(body) >= 14 and body[12] == 0 and body[13] == 0


def _harmless_app(marker: int, body: bytes) -> bool:
    if marker == 0xE0:
        return _jfif_without_thumbnail(body)
    if marker == 0xEE:
        return body.startswith(b"Adobe")
    return False


def _app_name(body: bytes) -> str:
    name = body[:12].split(b"\0", 1)[0]
    text = "".join(chr(c) for c in name if 32 <= c < 127)
    return text[:12] or "binary"


def _jpeg_walk(frame: bytes):
    """(marker, start, end, body) of each marker segment; entropy-coded data is skipped.
    Raises ValueError on a stream that does not parse."""
    if frame[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG stream")
    i = 2
    n = len(frame)
    while i < n:
        if frame[i] != 0xFF:
            raise ValueError("marker expected")
        while i + 1 < n and frame[i + 1] == 0xFF:  # fill bytes
            i += 1
        if i + 1 >= n:
            break
        marker = frame[i + 1]
        if marker in _STANDALONE:
            yield marker, i, i + 2, b""
            if marker == 0xD9:
                return
            i += 2
            continue
        if i + 4 > n:
            raise ValueError("segment cut short")
        length = int.from_bytes(frame[i + 2:i + 4], "big")
        end = i + 2 + length
        if length < 2 or end > n:
            raise ValueError("segment length out of range")
        yield marker, i, end, frame[i + 4:end]
        i = end
        if marker == 0xDA:  # start of scan: skip entropy-coded data up to the next real marker
            while i + 1 < n:
                if frame[i] == 0xFF and frame[i + 1] >= 0xC0 and frame[i + 1] not in range(0xD0, 0xD8):
                    break
                i += 1
            else:
                return


def _jpeg_segments(frame: bytes) -> list[Segment]:
    found = []
    for marker, start, end, body in _jpeg_walk(frame):
        if marker == 0xFE:
            found.append(Segment("JPEG comment (COM)", end - start))
        elif 0xE0 <= marker <= 0xEF and not _harmless_app(marker, body):
            found.append(Segment(f"JPEG application segment APP{marker - 0xE0} ({_app_name(body)})", end - start))
    return found


def _jpeg_strip(frame: bytes) -> bytes:
    out = bytearray()
    last = 0
    for marker, start, end, body in _jpeg_walk(frame):
        if marker == 0xFE or (0xE0 <= marker <= 0xEF and not _harmless_app(marker, body)):
            out += frame[last:start]
            last = end
    out += frame[last:]
    return bytes(out)


def _j2k_walk(frame: bytes):
    """(marker, start, end) of marker segments in main and tile-part headers (T.800 A)."""
    if frame[:2] != b"\xff\x4f":
        raise ValueError("not a JPEG 2000 codestream")
    i, n = 2, len(frame)
    while i + 4 <= n:
        marker = int.from_bytes(frame[i:i + 2], "big")
        if marker == 0xFFD9:  # end of codestream
            return
        if marker >> 8 != 0xFF:
            raise ValueError("marker expected")
        length = int.from_bytes(frame[i + 2:i + 4], "big")
        if marker == 0xFF90:  # SOT: tile-part; Psot gives its whole length
            if length != 10 or i + 12 > n:
                raise ValueError("bad tile-part header")
            psot = int.from_bytes(frame[i + 6:i + 10], "big")
            tile_end = n if psot == 0 else i + psot
            if tile_end > n:
                raise ValueError("tile-part runs past the end")
            yield marker, i, i + 12
            j = i + 12
            while j + 4 <= tile_end:  # tile-part header segments up to SOD
                sub = int.from_bytes(frame[j:j + 2], "big")
                if sub == 0xFF93:  # SOD: data follows
                    break
                sub_length = int.from_bytes(frame[j + 2:j + 4], "big")
                if sub_length < 2 or j + 2 + sub_length > tile_end:
                    raise ValueError("tile-part header segment out of range")
                yield sub, j, j + 2 + sub_length
                j += 2 + sub_length
            i = tile_end
            continue
        if length < 2 or i + 2 + length > n:
            raise ValueError("segment length out of range")
        yield marker, i, i + 2 + length
        i += 2 + length


def _jp2_boxes(data: bytes) -> list[Segment]:
    """Boxes of a JP2 file other than those an image needs."""
    found, i, n = [], 0, len(data)
    needed = {b"jP  ", b"ftyp", b"jp2h", b"jp2c", b"ihdr", b"colr", b"res ", b"pclr", b"cmap", b"cdef", b"bpcc"}
    while i + 8 <= n:
        length = int.from_bytes(data[i:i + 4], "big")
        kind = data[i + 4:i + 8]
        header = 8
        if length == 1 and i + 16 <= n:
            length, header = int.from_bytes(data[i + 8:i + 16], "big"), 16
        elif length == 0:
            length = n - i
        if length < header or i + length > n:
            raise ValueError("box length out of range")
        if kind == b"jp2c":
            found += _j2k_segments(data[i + header:i + length])
        elif kind not in needed:
            found.append(Segment(f"JP2 box '{kind.decode('latin-1')}'", length))
        i += length
    return found


def _j2k_segments(frame: bytes) -> list[Segment]:
    if frame[4:8] == b"jP  ":
        return _jp2_boxes(frame)
    return [Segment("JPEG 2000 comment (COM)", end - start) for marker, start, end in _j2k_walk(frame)
            if marker == 0xFF64]


def segments_with_text(frame: bytes, syntax: str) -> list[Segment]:
    """Comment/application segments in one encapsulated frame.  Raises ValueError when the
    frame does not parse as the compression its transfer syntax names."""
    if syntax in JPEG_SYNTAXES:
        return _jpeg_segments(frame)
    if syntax in J2K_SYNTAXES:
        return _j2k_segments(frame)
    return []


def strip_text(frame: bytes, syntax: str) -> bytes | None:
    """The frame without comment/application segments; None when it cannot be done safely."""
    try:
        if syntax in JPEG_SYNTAXES:
            return _jpeg_strip(frame)
        if syntax in J2K_SYNTAXES:
            if frame[4:8] == b"jP  ":
                return None  # a wrapped JP2 file: decode and rewrite instead
            segments = list(_j2k_walk(frame))
            comments = [(start, end) for marker, start, end in segments if marker == 0xFF64]
            if not comments:
                return frame
            first_tile = next((start for marker, start, _end in segments if marker == 0xFF90), len(frame))
            if any(marker == 0xFF55 for marker, _s, _e in segments) or any(start > first_tile for start, _e in comments):
                return None  # tile-part lengths (Psot, TLM) would need rewriting: decode instead
            out, last = bytearray(), 0
            for start, end in comments:
                out += frame[last:start]
                last = end
            out += frame[last:]
            return bytes(out)
    except ValueError:
        return None
    return frame


def check_encapsulated(ds, rel: str) -> list:
    """Guard findings for comment/application segments in a dataset's encapsulated frames."""
    from .finding import Category, Finding
    meta = getattr(ds, "file_meta", None)
    syntax = str(getattr(meta, "TransferSyntaxUID", "") or "")
    if syntax not in JPEG_SYNTAXES and syntax not in J2K_SYNTAXES or "PixelData" not in ds:
        return []
    from pydicom.encaps import generate_frames
    try:
        frames = generate_frames(ds.PixelData, number_of_frames=int(ds.get("NumberOfFrames", 1) or 1))
        kinds: dict[str, int] = {}
        for frame in frames:
            for segment in segments_with_text(frame, syntax):
                kinds[segment.kind] = kinds.get(segment.kind, 0) + 1
    except Exception:  # noqa: BLE001 - a stream that does not parse is not verified
        return [Finding(path=rel, category=Category.CANNOT_VERIFY, detector="dicom-encapsulated",
                        message="the compressed image frames could not be parsed, so the text they may carry "
                                "(comments, application segments) was not checked")]
    return [Finding(path=rel, category=Category.DICOM_ATTRIBUTE, detector="dicom-encapsulated",
                    message=f"{count} compressed frame(s) carry a {kind}: free text outside the DICOM header "
                            f"(dates, names, device owners); import the file with site-gen import-dicom, "
                            f"which removes it")
            for kind, count in sorted(kinds.items())]
