"""De-identify a DICOM dataset with the project profile (the same table the checker uses).

`deidentify(ds)` edits the dataset in place and returns it:

* private (odd-group) attributes, curves (50xx) and overlays (60xx) are deleted, at every depth;
* X: deleted.  Z, and combined codes with Z (X/Z, Z/D, X/Z/D): emptied - zero length is always
  valid for type 2 attributes and nothing is left to leak.  D and X/D: a dummy value for the VR
  (ANONYMOUS for names, DEIDENTIFIED for other text, 19000101 for dates, 000000 for times, 0 for
  numbers).  Sequences under these codes are emptied;
* U: every UID is replaced by `2.25.<decimal of the first 128 bits of SHA-256(salt + UID)>`, so
  the same original UID gets the same replacement across a whole import (series and study stay
  linked) and no organisation root survives; the file meta SOP Instance UID follows;
* K: kept - modality, pixel spacing, orientation, position, window settings and the Retain
  Patient Characteristics attributes.  Patient's Age over 89 years becomes "090Y" (HIPAA Safe
  Harbor aggregates ages over 89);
* C (the five descriptors) and every other kept text value (free text, and coded strings and
  AE titles too): spans the text detector finds are replaced by "[REMOVED]" ("REMOVED" in a CS
  or AE); a kept person name (PN) becomes ANONYMOUS.  Equipment attributes (manufacturer, model,
  software versions) and descriptors are judged as dicom_text.py says (company and protocol
  names are not people);
* attributes the table does not list are looked at too (the guard checks the same): a date
  (DA, DT) becomes 19000101; a UID other than a standard one is replaced like U (so
  CreatorVersionUID and private class UIDs carry no organisation root); an attribute not in the
  DICOM dictionary or of unknown type (UN), an embedded document, and a binary value holding
  text the detector flags are removed;
* Patient Identity Removed (0012,0062) = YES and De-identification Method (0012,0063) are set.

Burned-in text in the pixels is NOT touched: the checker reports it; an importer must refuse
or mask such images.
"""
from __future__ import annotations

import hashlib
import re
import secrets

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from . import profile as profile_rules
from .dicom_text import spans_for

TEXT_VRS = frozenset({"LO", "SH", "ST", "LT", "UT", "UC", "UR", "CS", "AE"})
CODED_VRS = frozenset({"CS", "AE"})
EMBEDDED_DOCUMENT_TAGS = frozenset({0x00420011})

FREE_TEXT_VRS = frozenset({"LO", "SH", "ST", "LT", "UT", "UC", "UR"})
REMOVED = "[REMOVED]"
METHOD = "PS3.15 E Basic Profile, Retain Pat Chars, Clean Descriptors"  # LO: <= 64 chars

# One salt per process unless the caller gives one: an import run maps UIDs consistently, and a
# replacement UID cannot be recomputed from the original by anyone without the salt.
_PROCESS_SALT = secrets.token_hex(16)


def replacement_uid(uid: str, salt: str) -> str:
    digest = hashlib.sha256((salt + str(uid).strip()).encode("ascii", "replace")).digest()
    return "2.25." + str(int.from_bytes(digest[:16], "big"))


def dummy_for(vr: str):
    if vr == "PN":
        return profile_rules.DUMMY_TEXT["PN"]
    if vr == "DA":
        return profile_rules.DUMMY_DATE
    if vr == "TM":
        return profile_rules.DUMMY_TIME
    if vr == "DT":
        return profile_rules.DUMMY_DATETIME
    if vr == "AS":
        return "000Y"
    if vr in ("IS", "DS"):
        return "0"
    if vr in profile_rules.NUMERIC_VRS:
        return 0
    if vr in profile_rules.BINARY_VRS:
        return b""
    if vr == "UI":
        return ""
    if vr == "SQ":
        return Sequence()
    return profile_rules.DUMMY_TEXT["DEFAULT"]


def empty_for(vr: str):
    if vr == "SQ":
        return Sequence()
    if vr in profile_rules.BINARY_VRS:
        return b""
    return None  # pydicom writes None as a zero-length value


def _clean_text(value: str, keyword: str = "", vr: str = "LO") -> str:
    spans = sorted(spans_for(keyword, value, coded=vr in CODED_VRS), key=lambda s: s.start)
    if not spans:
        return value
    marker = "REMOVED" if vr in CODED_VRS else REMOVED
    out, last = [], 0
    for span in spans:
        if span.start < last:
            last = max(last, span.end)
            continue
        out.append(value[last:span.start])
        out.append(marker)
        last = span.end
    out.append(value[last:])
    text = "".join(out)
    return text[:16] if vr in CODED_VRS else text


def _age(value: str) -> str:
    match = re.fullmatch(r"(\d{3})Y", str(value).strip())
    if match and int(match.group(1)) > 89:
        return "090Y"
    return value


def deidentify(ds: Dataset, *, uid_salt: str | None = None) -> Dataset:
    """Apply the project profile to `ds` (in place) and return it."""
    salt = _PROCESS_SALT if uid_salt is None else uid_salt
    rules = profile_rules.load_profile()
    _apply(ds, rules, salt)
    meta = getattr(ds, "file_meta", None)
    if meta is not None:
        if "MediaStorageSOPInstanceUID" in meta:
            if "SOPInstanceUID" in ds and ds.SOPInstanceUID:
                meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
            else:
                meta.MediaStorageSOPInstanceUID = replacement_uid(meta.MediaStorageSOPInstanceUID, salt)
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = METHOD
    return ds


def _apply(ds: Dataset, rules, salt: str) -> None:
    for elem in list(ds):
        tag = int(elem.tag)
        group = tag >> 16
        if group % 2 == 1 or 0x5000 <= group <= 0x50FF or 0x6000 <= group <= 0x60FF:
            del ds[tag]
            continue
        action = rules.action_for(tag)
        vr = elem.VR
        if vr == "SQ":
            if action in ("K", "C") or "U" in action:
                for item in elem.value or []:
                    _apply(item, rules, salt)
            elif action == "X":
                del ds[tag]
            else:
                elem.value = Sequence()
            continue
        if action == "X":
            del ds[tag]
        elif "U" in action:
            if vr == "UI":
                values = elem.value if isinstance(elem.value, (list, tuple)) or type(elem.value).__name__ == "MultiValue" else [elem.value]
                new = [replacement_uid(v, salt) if v and not str(v).startswith("1.2.840.10008.") else v for v in values]
                elem.value = new if len(new) > 1 else (new[0] if new else "")
            else:
                elem.value = empty_for(vr)
        elif "Z" in action:
            elem.value = empty_for(vr)
        elif "D" in action:
            elem.value = dummy_for(vr)
        else:  # K, C or not listed: keep, but clean what a person could be named in
            _keep(ds, elem, tag, rules.rule(tag) is not None, salt)


def _is_multi(value) -> bool:
    return isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue"


def _binary_holds_text(value) -> bool:
    from .dicom_header import printable_runs
    if not isinstance(value, (bytes, bytearray)):
        return False
    return any(spans_for("", run) for run in printable_runs(bytes(value[:16 * 2**20])))


def _keep(ds: Dataset, elem, tag: int, listed: bool, salt: str) -> None:
    """A kept attribute (K, C, or not in the table): clean what it holds, or remove it."""
    vr = elem.VR
    if (not elem.keyword and tag & 0xFFFF) or vr == "UN" or tag in EMBEDDED_DOCUMENT_TAGS:
        del ds[tag]  # unknown to the dictionary, of unknown type, or a document: cannot be judged
        return
    if vr in profile_rules.BINARY_VRS:
        from .dicom_header import is_lookup_table
        if tag not in (0x7FE00010, 0x7FE00008, 0x7FE00009) and not is_lookup_table(elem) \
                and _binary_holds_text(elem.value):
            del ds[tag]
        return
    if not elem.value:
        return
    if tag == 0x00101010:
        elem.value = _age(elem.value)
    elif vr == "PN":
        if not profile_rules.is_dummy(elem.value, "PN"):
            elem.value = profile_rules.DUMMY_TEXT["PN"]
    elif vr in ("DA", "DT") and not listed:
        if not profile_rules.is_dummy(elem.value, vr):
            elem.value = profile_rules.DUMMY_DATE if vr == "DA" else profile_rules.DUMMY_DATETIME
    elif vr == "UI" and not listed:
        values = list(elem.value) if _is_multi(elem.value) else [elem.value]
        new = [v if not v or str(v).startswith("1.2.840.10008.") else replacement_uid(v, salt) for v in values]
        elem.value = new if len(new) > 1 else (new[0] if new else "")
    elif vr in TEXT_VRS:
        value = elem.value
        keyword = elem.keyword or ""
        if _is_multi(value):
            elem.value = [_clean_text(str(v), keyword, vr) for v in value]
        else:
            elem.value = _clean_text(str(value), keyword, vr)
