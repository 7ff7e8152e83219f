"""DICOM files: the header against the confidentiality profile, then the pixels for burned-in text.

`check_dicom(path, rel)` is the entry point.  Header rules (PS3.15 Annex E, project profile in
profile.py):

* an attribute the profile removes (X) must be absent; an empty value is accepted too (it
  carries nothing);
* Z, D and the combined codes: absent, empty, or an obvious dummy (`profile.is_dummy`: every
  word a placeholder such as ANONYMOUS/DEIDENTIFIED/REMOVED, dates in or before 1900, zero times
  and numbers);
* U (UIDs): accepted when they carry no organisation root - a 2.25 UUID-derived UID (what
  de-identifiers write, ours included) or a standard 1.2.840.10008 UID.  An original scanner UID
  (1.2.840.113619... for GE, say) can be traced in the source PACS, so it is flagged;
* private (odd-group) attributes, curves (50xx) and overlays (60xx): absent, reported once per
  group and nesting level;
* sequences are checked item by item at every depth, except a sequence the profile removes or
  blanks (X, Z, D without U), which must be empty;
* every person name (PN) that is not a dummy is a NAME, wherever it is;
  Patient's Age over 90 years is AGE_OVER_89 (090Y stands for the Safe Harbor bucket "90 or older");
* every remaining free-text value (LO, SH, ST, LT, UT, UC, UR) goes through the text detector.

Fail closed: a file that is not DICOM, is cut short (a value runs past the end of the file) or
cannot be parsed gives one CANNOT_VERIFY finding and nothing else.  Headers are read without
loading pixel data; elements stored after the pixel data are still read.
"""
from __future__ import annotations

import re
import warnings
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.filereader import data_element_generator

from . import profile as profile_rules
from .faces import rendering_findings
from .finding import Category, Finding, mask, value_hash
from .dicom_io import silence_pydicom
from .dicom_text import spans_for
from .ocr import KnownValue, TextDetectorUnavailable, cannot_verify, date_renderings

silence_pydicom()  # pydicom's own warnings and log lines quote header values: never let them print

FREE_TEXT_VRS = frozenset({"LO", "SH", "ST", "LT", "UT", "UC", "UR"})
# Every VR that holds text a person could read: free text, and the coded strings (CS) and
# application entity titles (AE) a contributor or scanner can fill with anything.
TEXT_VRS = FREE_TEXT_VRS | {"CS", "AE"}
PIXEL_DATA_TAGS = (0x7FE00010, 0x7FE00008, 0x7FE00009)
EMBEDDED_DOCUMENT_TAGS = frozenset({0x00420011})   # Encapsulated Document (PDF, CDA, STL...)
MAX_BINARY_SCAN = 16 * 2**20
TRAILING_PADDING = 0xFFFCFFFC
DETECTOR = "dicom-header"
PROFILE_DETECTOR = "dicom-header+profile"   # an attribute the confidentiality profile acts on still holds its value


# --- reading, failing closed -----------------------------------------------------------------

@dataclass(frozen=True)
class Structure:
    problem: str | None = None   # plain words; None when the file is whole
    has_pixels: bool = False
    after_pixels: bool = False   # elements stored after the pixel data (need a full read)


def structure_problem(path: Path) -> Structure:
    """Walk the top-level elements without reading their values.

    pydicom reads a cut-short file without complaint (the last value is just shorter), so the
    declared lengths are compared with the file size here.
    """
    size = path.stat().st_size
    with path.open("rb") as fp, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        head = fp.read(132)
        if len(head) < 132 or head[128:132] != b"DICM":
            return Structure("this is not a DICOM file (no DICM marker)")
        transfer_syntax = None
        end = fp.tell()
        for elem in data_element_generator(fp, False, True, stop_when=lambda tag, vr, n: tag.group != 2, defer_size=1):
            if elem.length != 0xFFFFFFFF:
                end = elem.value_tell + elem.length
                if end > size:
                    return Structure("the file is cut short (a value runs past its end)")
            if elem.tag == 0x00020010:
                transfer_syntax = pydicom.uid.UID(fp_value(fp, elem).decode("ascii", "replace").strip("\0 "))
        if transfer_syntax is None:
            return Structure("the file's transfer syntax is missing")
        if transfer_syntax == pydicom.uid.DeflatedExplicitVRLittleEndian:
            # Compressed as a whole: the stream must end properly; the full read parses the rest.
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                inflater.decompress(fp.read())
            except zlib.error:
                return Structure("the compressed (deflated) file is damaged")
            if not inflater.eof:
                return Structure("the file is cut short (its compressed stream has no end)")
            return Structure(has_pixels=True, after_pixels=True)
        implicit = transfer_syntax == pydicom.uid.ImplicitVRLittleEndian
        little = transfer_syntax != pydicom.uid.ExplicitVRBigEndian
        after_pixels = False
        seen_pixels = False
        for elem in data_element_generator(fp, implicit, little, defer_size=1):
            length = getattr(elem, "length", 0xFFFFFFFF)  # parsed sequences come without one
            if length != 0xFFFFFFFF:
                end = elem.value_tell + length
                if end > size:
                    return Structure("the file is cut short (a value runs past its end)")
            else:
                end = fp.tell()
                if end > size or not _ends_with_delimiter(fp, end, little):
                    return Structure("the file is cut short (a sequence or the compressed image has no end)")
            if seen_pixels and elem.tag != TRAILING_PADDING:
                after_pixels = True
            if elem.tag in PIXEL_DATA_TAGS:
                seen_pixels = True
        if 0 < size - end < 8:
            return Structure("the file is cut short (it ends inside an element)")
        for warning in caught:
            text = str(warning.message)
            if "End of file" in text or "delimiter" in text.lower() or "truncat" in text.lower():
                return Structure("the file is cut short (a sequence or the compressed image has no end)")
    return Structure(has_pixels=seen_pixels, after_pixels=after_pixels)


def _ends_with_delimiter(fp, end: int, little: bool) -> bool:
    """An undefined-length value must close with the Sequence Delimitation Item (FFFE,E0DD)."""
    fp.seek(end - 8)
    closing = fp.read(8)
    fp.seek(end)
    return closing == (b"\xfe\xff\xdd\xe0\0\0\0\0" if little else b"\xff\xfe\xe0\xdd\0\0\0\0")


def fp_value(fp, elem) -> bytes:
    """Value bytes of a deferred raw element (small: only used for the transfer syntax)."""
    if elem.value is not None:
        return elem.value
    here = fp.tell()
    fp.seek(elem.value_tell)
    value = fp.read(elem.length)
    fp.seek(here)
    return value


def read_header(path: Path) -> tuple[Dataset | None, str | None]:
    """The header (pixel data not loaded), or a plain-words reason it cannot be checked.

    `ds.has_pixel_data_element` (set here) tells whether the file holds pixel data.
    """
    try:
        structure = structure_problem(path)
        if structure.problem:
            return None, structure.problem
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if structure.after_pixels:
                ds = pydicom.dcmread(path, defer_size="64 KB")
            else:
                ds = pydicom.dcmread(path, stop_before_pixels=True)
        if len(ds) == 0:
            return None, "the file holds no DICOM attributes"
        ds.has_pixel_data_element = structure.has_pixels
        # A cut exactly between two elements leaves a well-formed but incomplete file: its header
        # is still checked, and the file is reported as not verifiable.
        ds.incomplete_reason = None
        sop_class = ds.get("SOPClassUID") or getattr(ds.get("file_meta"), "MediaStorageSOPClassUID", None)
        is_image = sop_class is not None and "Image" in getattr(pydicom.uid.UID(str(sop_class)), "name", "")
        if sop_class is None:
            ds.incomplete_reason = "the file has no SOP Class UID, so it is not a complete DICOM object (cut short?)"
        elif (is_image or ("Rows" in ds and "Columns" in ds)) and not structure.has_pixels:
            ds.incomplete_reason = "the file describes an image but its pixel data is missing (cut short?)"
        return ds, None
    except InvalidDicomError:
        return None, "this is not a DICOM file"
    except MemoryError:
        return None, "the file is too large to check"
    except Exception as error:  # noqa: BLE001 - any parser failure must become a finding
        return None, f"the file is damaged and cannot be read ({error.__class__.__name__})"


# --- the header rules ------------------------------------------------------------------------

def _tag_text(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def _where(trail: tuple[str, ...], elem) -> str:
    name = elem.keyword or elem.name or "attribute"
    return " > ".join(trail + (f"{name} {_tag_text(int(elem.tag))}",))


def _values(elem) -> list[str]:
    value = elem.value
    if value is None:
        return []
    if isinstance(value, (bytes, bytearray)):
        return []
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return [str(v) for v in value if v is not None and str(v) != ""]
    text = str(value)
    return [text] if text else []


class _SpanCache:
    """Header text repeats across the slices of a series: analyse each distinct value once."""

    def __init__(self, size: int = 4096):
        self.size = size
        self.items: OrderedDict[str, list] = OrderedDict()

    def spans(self, keyword: str, text: str, coded: bool = False) -> list:
        key = f"{keyword}\0{coded}\0{text}"
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        spans = spans_for(keyword, text, coded=coded)
        self.items[key] = spans
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return spans


_CACHE = _SpanCache()


def _finding(rel: str, category: Category, message: str, raw: str = "", detector: str = DETECTOR) -> Finding:
    return Finding(path=rel, category=category, detector=detector, message=message,
                   masked=mask(raw) if raw else "", value_hash=value_hash(raw) if raw else "")


def check_header(ds: Dataset, rel: str) -> list[Finding]:
    """Header findings for a dataset already in memory (also used on de-identified datasets)."""
    rules = profile_rules.load_profile()
    findings: list[Finding] = []
    groups: dict[tuple[str, str, int], int] = {}  # (trail, kind, group) -> count
    text_problem: list[str] = []
    meta = getattr(ds, "file_meta", None)
    if meta is not None:
        findings += check_file_meta(meta, rel, text_problem)
    for trail, elem in _walk(ds, ()):
        findings.extend(_check_element(elem, trail, rel, rules, groups, text_problem))
    for (trail, kind, group), count in sorted(groups.items()):
        inside = f" inside {trail}" if trail else ""
        what = {"private": "private attribute(s)", "curve": "curve attribute(s)", "overlay": "overlay attribute(s)"}[kind]
        findings.append(_finding(
            rel, Category.DICOM_ATTRIBUTE,
            f"{count} {what} in group {group:04X}{inside}: the confidentiality profile removes them "
            f"(they can hold names, IDs or burned-in annotations)"))
    if text_problem:
        findings.append(cannot_verify(rel, f"free text in the header could not be checked: {text_problem[0]}", DETECTOR))
    return findings


# The file meta group (PS3.10 7.1) an imported file carries: what identifies the object and how
# it is encoded.  The rest (source, sending and receiving application entity titles and network
# addresses, private information) names the systems the file passed through.
FILE_META_KEPT = frozenset({0x00020000, 0x00020001, 0x00020002, 0x00020003, 0x00020010, 0x00020012, 0x00020013})


def check_file_meta(meta: Dataset, rel: str, text_problem: list[str]) -> list[Finding]:
    findings = []
    for elem in meta:
        tag = int(elem.tag)
        where = f"file meta {elem.keyword or 'attribute'} {_tag_text(tag)}"
        if tag not in FILE_META_KEPT:
            shown = "binary data" if isinstance(elem.value, (bytes, bytearray)) else mask(", ".join(_values(elem)))
            findings.append(_finding(rel, Category.DICOM_ATTRIBUTE,
                                     f"{where} names a system the file passed through and is not needed: {shown} "
                                     f"(import-dicom rewrites the file meta group)",
                                     "" if isinstance(elem.value, (bytes, bytearray)) else ", ".join(_values(elem))))
        elif tag == 0x00020003:
            uid = str(elem.value or "")
            if not profile_rules.uid_is_replaced(uid):
                findings.append(_finding(rel, Category.DICOM_ATTRIBUTE,
                                         f"MediaStorageSOPInstanceUID (0002,0003) looks like the original "
                                         f"scanner UID, not a replaced one: {mask(uid)}", uid))
        elif tag == 0x00020013:
            findings += _text_findings(_values(elem), "ImplementationVersionName", f"{where} contains", rel,
                                       text_problem)
    return findings


def check_preamble(path: Path, rel: str) -> list[Finding]:
    """The 128 bytes before "DICM" are free for any use; no viewer shows them."""
    with Path(path).open("rb") as handle:
        preamble = handle.read(128)
    used = sum(1 for byte in preamble if byte)
    if not used:
        return []
    runs = printable_runs(preamble, 4)
    what = f", including text ({mask(runs[0])})" if runs else ""
    return [_finding(rel, Category.DICOM_ATTRIBUTE,
                     f"the 128-byte preamble before the DICOM header holds {used} non-zero byte(s){what}; it can "
                     f"carry data no viewer shows (import-dicom writes it as zeros)", runs[0] if runs else "")]


def _walk(ds: Dataset, trail: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], object]]:
    """Every element with its position; the caller decides whether to enter sequences."""
    for elem in ds:
        yield trail, elem


def _group_kind(tag: int) -> str | None:
    group = tag >> 16
    if group % 2 == 1:
        return "private"
    if 0x5000 <= group <= 0x50FF:
        return "curve"
    if 0x6000 <= group <= 0x60FF:
        return "overlay"
    return None


def _check_element(elem, trail, rel, rules, groups, text_problem) -> list[Finding]:
    tag = int(elem.tag)
    kind = _group_kind(tag)
    if kind:
        key = (" > ".join(trail), kind, tag >> 16)
        groups[key] = groups.get(key, 0) + 1
        return []
    action = rules.action_for(tag)
    rule = rules.rule(tag)
    vr = elem.VR
    where = _where(trail, elem)
    findings: list[Finding] = []
    if vr == "SQ":
        items = elem.value or []
        if items and "U" not in action and action not in ("K", "C"):
            verb = "removed" if action == "X" else "emptied"
            findings.append(_finding(rel, Category.DICOM_ATTRIBUTE,
                                     f"{where} must be {verb} (profile action {action}) but holds {len(items)} item(s)"))
            return findings
        for index, item in enumerate(items):
            inner = trail + (f"{elem.keyword or _tag_text(tag)}[{index}]",)
            for sub_trail, sub in _walk(item, inner):
                findings.extend(_check_element(sub, sub_trail, rel, rules, groups, text_problem))
        return findings

    if rule is not None and action not in ("K", "C"):
        return _check_profile_value(elem, where, action, rel)

    # Kept attributes (and cleaned descriptors, and everything the table does not list): judged
    # by what they hold, whatever their VR.
    values = _values(elem)
    if not elem.keyword and tag & 0xFFFF != 0:
        return [_finding(rel, Category.DICOM_ATTRIBUTE,
                         f"{where} is not in the DICOM dictionary, so what it holds cannot be judged "
                         f"(import-dicom removes such attributes)")]
    if vr == "UN":
        return [_finding(rel, Category.DICOM_ATTRIBUTE,
                         f"{where} has no known value type (UN), so what it holds cannot be judged "
                         f"(import-dicom removes such attributes)")]
    if tag in EMBEDDED_DOCUMENT_TAGS and elem.value:
        return [cannot_verify(rel, f"{where} holds an embedded document (PDF, CDA...) that the guard cannot "
                                   f"read; leave such objects out of a case", DETECTOR)]
    if vr in profile_rules.BINARY_VRS:
        return _check_binary(elem, where, rel, text_problem)
    if vr == "PN":
        for value in values:
            if not profile_rules.is_dummy(value, "PN"):
                findings.append(_finding(rel, Category.NAME, f"{where} holds a person's name: {mask(value)}", value,
                                         detector=PROFILE_DETECTOR))
        return findings
    if vr in ("DA", "DT") and rule is None:
        for value in values:
            if not profile_rules.is_dummy(value, vr):
                findings.append(_finding(rel, Category.DATE, f"{where} holds a date: {mask(value)}", value))
        return findings
    if vr == "UI" and rule is None:
        bad = [uid for uid in values if not profile_rules.uid_is_replaced(uid)]
        if bad:
            findings.append(_finding(rel, Category.DICOM_ATTRIBUTE,
                                     f"{where} looks like an original UID with an organisation's root, not a "
                                     f"replaced one: {mask(bad[0])}", bad[0]))
        return findings
    if tag == 0x00101010:  # Patient's Age
        for value in values:
            match = re.fullmatch(r"(\d{3})Y", value.strip())
            if match and int(match.group(1)) > 90:  # 090Y is the "90 or older" bucket itself
                findings.append(_finding(rel, Category.AGE_OVER_89,
                                         f"{where} is over 89 years (Safe Harbor: write 090Y for 90 or older): "
                                         f"{mask(value)}", value))
        return findings
    if vr in TEXT_VRS:
        findings += _text_findings(values, elem.keyword or "", f"{where} contains", rel, text_problem,
                                   coded=vr in ("CS", "AE"))
    return findings


def _text_findings(values: list[str], keyword: str, lead: str, rel: str, text_problem: list[str], *,
                   coded: bool = False) -> list[Finding]:
    """Findings for the detector's spans in text values ("<where> contains <category>: <mask>")."""
    findings = []
    for value in values:
        try:
            spans = _CACHE.spans(keyword, value, coded=coded)
        except TextDetectorUnavailable as error:
            text_problem.append(str(error))
            return findings
        for span in spans:
            raw = value[span.start:span.end]
            findings.append(_finding(rel, span.category,
                                     f"{lead} {span.category.value.replace('_', ' ').lower()}: {mask(raw)}",
                                     raw, detector=f"{DETECTOR}+{span.detector}"))
    return findings


def is_lookup_table(elem) -> bool:
    """Palette, modality and VOI lookup-table data: numbers turned into grey levels or colours,
    never drawn as characters (and their bytes often spell letters by chance)."""
    keyword = elem.keyword or ""
    return int(elem.tag) >> 16 == 0x0028 and ("LookupTableData" in keyword or keyword == "LUTData")


def printable_runs(data: bytes, minimum: int = 5) -> list[str]:
    """Text hidden in binary values: runs of printable ASCII (and UTF-16LE) characters."""
    runs = [m.group().decode("ascii") for m in re.finditer(rb"[\x20-\x7e]{%d,}" % minimum, data)]
    runs += [m.group().decode("utf-16-le") for m in re.finditer(rb"(?:[\x20-\x7e]\x00){%d,}" % minimum, data)]
    return runs


def _check_binary(elem, where: str, rel: str, text_problem: list[str]) -> list[Finding]:
    """Binary values the profile keeps (LUTs, ICC profiles, waveforms...) are searched for text."""
    if int(elem.tag) in PIXEL_DATA_TAGS or is_lookup_table(elem) or not isinstance(elem.value, (bytes, bytearray)):
        return []
    findings = _text_findings(printable_runs(bytes(elem.value[:MAX_BINARY_SCAN])), "",
                              f"{where} (binary data) contains text that looks like", rel, text_problem)
    if len(elem.value) > MAX_BINARY_SCAN:
        findings.append(cannot_verify(rel, f"{where} holds more binary data than the guard reads "
                                           f"({len(elem.value)} bytes)", DETECTOR))
    return findings


def _check_profile_value(elem, where: str, action: str, rel: str) -> list[Finding]:
    vr = elem.VR
    value = elem.value
    if vr == "UI" and "U" in action:
        bad = [uid for uid in _values(elem) if not profile_rules.uid_is_replaced(uid)]
        if bad:
            return [_finding(rel, Category.DICOM_ATTRIBUTE,
                             f"{where} looks like the original scanner UID, not a replaced one: {mask(bad[0])}", bad[0],
                             detector=PROFILE_DETECTOR)]
        return []
    try:
        empty_or_dummy = profile_rules.is_dummy(value, vr)
    except Exception:  # noqa: BLE001 - an unparsable value is not a dummy
        empty_or_dummy = False
    if empty_or_dummy:
        return []
    shown = "binary data" if isinstance(value, (bytes, bytearray)) else mask(", ".join(_values(elem)))
    raw = "" if isinstance(value, (bytes, bytearray)) else ", ".join(_values(elem))
    verb = {"X": "removed", "Z": "empty"}.get(action, "empty or a dummy value")
    return [_finding(rel, Category.DICOM_ATTRIBUTE,
                     f"{where} must be {verb} (confidentiality profile action {action}), it holds: {shown}", raw,
                     detector=PROFILE_DETECTOR)]


# --- values to look for in burned-in text ----------------------------------------------------

NAME_TAGS = ("PatientName", "OtherPatientNames", "PatientBirthName", "PatientMotherBirthName",
             "ReferringPhysicianName", "PerformingPhysicianName", "OperatorsName", "NameOfPhysiciansReadingStudy")
ID_TAGS = ("PatientID", "OtherPatientIDs", "AccessionNumber", "StudyID", "IssuerOfPatientID")
DATE_TAGS = ("PatientBirthDate", "StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate")


def known_values(ds: Dataset) -> list[KnownValue]:
    """Header values that must not be burned into the pixels (before or after de-identification)."""
    known: list[KnownValue] = []
    for keyword in NAME_TAGS:
        for value in _values(ds.data_element(keyword)) if keyword in ds else []:
            if profile_rules.is_dummy(value, "PN"):
                continue
            for part in re.split(r"[\^=\s,]+", value):
                if len(part) >= 3 and not profile_rules.is_dummy(part, "PN"):
                    known.append(KnownValue(part, Category.NAME, whole_word=True))
    for keyword in ID_TAGS:
        for value in _values(ds.data_element(keyword)) if keyword in ds else []:
            if len(re.sub(r"\W", "", value)) >= 4 and not profile_rules.is_dummy(value, "LO"):
                known.append(KnownValue(value, Category.ID_NUMBER, whole_word=False))
    for keyword in DATE_TAGS:
        for value in _values(ds.data_element(keyword)) if keyword in ds else []:
            if not profile_rules.is_dummy(value, "DA"):
                known += [KnownValue(text, Category.DATE, whole_word=False) for text in date_renderings(value.strip())]
    return known


# --- entry point -----------------------------------------------------------------------------

def check_dicom(path: Path, rel: str, *, ocr: bool = True, coverage=None) -> list[Finding]:
    """All findings for one DICOM file: preamble, file meta, header, text in compressed frames,
    and burned-in text when `ocr` is true (`coverage`, a dicom_pixels.PixelCoverage, counts
    the frames looked at)."""
    path = Path(path)
    ds, problem = read_header(path)
    if ds is None:
        return [cannot_verify(rel, f"could not check this DICOM file: {problem}", DETECTOR)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pydicom's complaints about odd values are not ours
            findings = check_preamble(path, rel) + check_header(ds, rel)
            findings = _as_hand_copied(ds, rel, findings)
            findings += rendering_findings(ds, rel)  # a 3D rendering of the head shows the face
    except Exception as error:  # noqa: BLE001 - fail closed, never a traceback
        return [cannot_verify(rel, f"could not check this DICOM header ({error.__class__.__name__})", DETECTOR)]
    if getattr(ds, "incomplete_reason", None):
        return findings + [cannot_verify(rel, f"could not fully check this DICOM file: {ds.incomplete_reason}", DETECTOR)]
    findings += _encapsulated_findings(path, ds, rel)
    if ocr:
        from .dicom_pixels import check_pixels  # imported late: pixel decoding needs numpy & co
        findings += check_pixels(path, ds, rel, known=known_values(ds), coverage=coverage)
    return findings


def _encapsulated_findings(path: Path, ds: Dataset, rel: str) -> list[Finding]:
    from .encapsulated import J2K_SYNTAXES, JPEG_SYNTAXES, check_encapsulated
    syntax = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", "") or "")
    if syntax not in JPEG_SYNTAXES and syntax not in J2K_SYNTAXES:
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            full = pydicom.dcmread(path)
    except Exception as error:  # noqa: BLE001
        return [cannot_verify(rel, f"could not read the compressed image data ({error.__class__.__name__})", DETECTOR)]
    return check_encapsulated(full, rel)


HAND_COPIED_AT_LEAST = 3   # attributes the profile removes, blanks or replaces, still holding values


def _as_hand_copied(ds: Dataset, rel: str, findings: list[Finding]) -> list[Finding]:
    """A file copied straight from a PACS export (several attributes the profile acts on still hold
    their values, whatever PatientIdentityRemoved claims) gets one line with the fix, not one line
    per attribute."""
    header = [f for f in findings if f.category is not Category.CANNOT_VERIFY]
    if sum(f.detector == PROFILE_DETECTOR for f in header) < HAND_COPIED_AT_LEAST:
        return findings
    parts = rel.split("/")
    case = parts[1] if len(parts) > 2 and parts[0] == "cases" else "<case>"
    names: list[str] = []
    for finding in header:
        match = re.match(r"(?:file meta )?([A-Za-z][A-Za-z0-9]*) \(", finding.message.split(" > ")[-1])
        name = match.group(1) if match else finding.category.value.lower()
        if name not in names:
            names.append(name)
    shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    summary = Finding(
        path=rel, category=Category.DICOM_ATTRIBUTE, detector=f"{DETECTOR}+not-imported",
        message=(f"this DICOM file was copied in as exported, not de-identified ({shown}): delete it and "
                 f"import it with: site-gen import-dicom <export folder> --case {case}"),
        value_hash=value_hash("|".join(sorted(f.value_hash for f in header))))
    return [summary] + [f for f in findings if f.category is Category.CANNOT_VERIFY]


__all__ = ["check_dicom", "check_header", "read_header", "known_values", "structure_problem"]
