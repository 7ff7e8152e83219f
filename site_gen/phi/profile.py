"""The DICOM confidentiality profile as a rule table: generator, loader and rule look-ups.

Source: DICOM PS3.15 Annex E, Table E.1-1 "Application Level Confidentiality Profile
Attributes", revision 2024b, as published in machine-readable form by innolitics/dicom-standard
(`standard/confidentiality_profile_attributes.json`, MIT licence).  The project table
`site_gen/phi/data/confidentiality-profile.json` is GENERATED from that file:

    python -m site_gen.phi.profile --source ../shared/standards/dicom-confidentiality-profile-attributes.json

The project profile is the Basic Application Level Confidentiality Profile plus two of the
standard's own options, narrowed to what a teaching case needs:

* Retain Patient Characteristics Option (rows whose option column says K): sex, age, size,
  weight, pregnancy and smoking status stay, because they change how an image is read.
  Ages over 89 are still PHI under HIPAA Safe Harbor: the checker flags them, the de-identifier
  writes "090Y".
* Clean Descriptors Option for five descriptors only (study, series, protocol, requested and
  performed procedure description): they are kept after the free-text detector found nothing in
  them, because "CT CHEST WITH CONTRAST" is what a learner needs to see.  Every other
  free-text attribute the Basic Profile removes stays removed (comments are where PHI hides).

Beyond the table, the whole overlay group (60xx: the plane's rows, origin and data) and the
whole curve group (50xx) are removed, since an overlay without its data means nothing.

Actions (PS3.15 E.1.1): X remove, Z zero-length, D dummy value, U consistent UID replacement,
K keep, C clean.  Combined codes (X/Z, X/D, X/Z/D, Z/D, X/Z/U*) are kept as written; the checker
accepts the most lenient of the alternatives (absent, empty or dummy) and `deidentify` picks
the least informative one that keeps the file valid (see deidentify.py).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).parent / "data" / "confidentiality-profile.json"

SOURCE = {
    "standard": "DICOM PS3.15 Annex E, Table E.1-1 Application Level Confidentiality Profile Attributes",
    "revision": "2024b",
    "published_by": "innolitics/dicom-standard, standard/confidentiality_profile_attributes.json",
    "licence": "MIT",
}

# Option columns of the source table that the project applies, and to which rows.
RETAIN_PATIENT_CHARACTERISTICS = "rtnPatCharsOpt"   # rows marked K there are kept
CLEANED_DESCRIPTORS = {                              # Clean Descriptors Option, these rows only
    "00081030": "Study Description",
    "0008103E": "Series Description",
    "00181030": "Protocol Name",
    "00400254": "Performed Procedure Step Description",
    "00321060": "Requested Procedure Description",
}

_PLAIN_TAG = re.compile(r"\(([0-9A-F]{4}),([0-9A-F]{4})\)")


def generate(rows: list[dict], source_sha256: str) -> dict:
    """Build the project table from the source rows (one dict per Table E.1-1 row)."""
    attributes: dict[str, dict] = {}
    wildcards: list[dict] = []
    for row in rows:
        basic = row["basicProfile"].strip()
        tag_text = row["tag"].strip().upper()
        plain = _PLAIN_TAG.fullmatch(tag_text)
        if plain is None:
            # Curves (50XX,XXXX), overlay data and comments (60XX,3000/4000), private attributes:
            # all X in the Basic Profile.  The project removes the whole groups (see module doc).
            wildcards.append({"tag": tag_text, "name": row["name"], "basic": basic, "action": "X"})
            continue
        key = plain.group(1) + plain.group(2)
        action = basic
        option = ""
        if row.get(RETAIN_PATIENT_CHARACTERISTICS) == "K":
            action, option = "K", "Retain Patient Characteristics"
        elif key in CLEANED_DESCRIPTORS and row.get("cleanDescOpt") == "C":
            action, option = "C", "Clean Descriptors"
        entry = {"name": row["name"], "basic": basic, "action": action}
        if option:
            entry["option"] = option
        attributes[key] = entry
    return {
        "source": {**SOURCE, "sha256": source_sha256, "rows": len(rows)},
        "generated_by": "python -m site_gen.phi.profile --source <json>",
        "project_profile": (
            "Basic Application Level Confidentiality Profile + Retain Patient Characteristics "
            "Option (K rows) + Clean Descriptors Option (five descriptors); whole 50xx and 60xx "
            "groups and all private (odd-group) attributes removed"
        ),
        "group_rules": {"private_odd_groups": "X", "curves_50xx": "X", "overlays_60xx": "X"},
        "wildcards": wildcards,
        "attributes": dict(sorted(attributes.items())),
    }


@dataclass(frozen=True)
class Rule:
    tag: int
    name: str
    basic: str    # the Basic Profile's own code
    action: str   # the project's code


class Profile:
    """Look-ups over the generated table.  `action_for` is what checker and de-identifier share."""

    def __init__(self, table: dict):
        self.table = table
        self.source = table["source"]
        self._rules = {
            int(key, 16): Rule(int(key, 16), entry["name"], entry["basic"], entry["action"])
            for key, entry in table["attributes"].items()
        }

    def rule(self, tag: int) -> Rule | None:
        """The table row for a tag, or None when the profile does not list it (kept)."""
        tag = int(tag)
        group = tag >> 16
        if group % 2 == 1:
            return Rule(tag, "private attribute", "X", "X")
        if 0x5000 <= group <= 0x50FF:
            return Rule(tag, "curve", "X", "X")
        if 0x6000 <= group <= 0x60FF:
            basic = "X" if tag & 0xFFFF in (0x3000, 0x4000) else "K"
            return Rule(tag, "overlay", basic, "X")
        return self._rules.get(tag)

    def action_for(self, tag: int) -> str:
        """Project action for a tag: "X", "Z", "D", "U", "K", "C" or a combined code like "X/Z/D"."""
        rule = self.rule(tag)
        return rule.action if rule else "K"

    def basic_action_for(self, tag: int) -> str:
        rule = self.rule(tag)
        return rule.basic if rule else "K"

    def listed_tags(self) -> list[int]:
        return sorted(self._rules)


@lru_cache(maxsize=1)
def load_profile(path: Path = TABLE_PATH) -> Profile:
    return Profile(json.loads(Path(path).read_text(encoding="utf-8")))


def action_for(tag: int) -> str:
    """Shortcut: `profile.action_for(0x00100010) -> "Z"`."""
    return load_profile().action_for(tag)


# ---------------------------------------------------------------------------------------------
# What counts as a dummy value.  Shared by the checker (accepts them) and the de-identifier
# (writes them), so the two can never disagree.
DUMMY_WORDS = frozenset({
    "ANONYMOUS", "ANONYMIZED", "ANONYMISED", "ANON", "DEIDENTIFIED", "DE-IDENTIFIED",
    "REMOVED", "REDACTED", "UNKNOWN", "NONE", "N/A", "NA", "PATIENT", "DUMMY",
})
DUMMY_TEXT = {"PN": "ANONYMOUS", "DEFAULT": "DEIDENTIFIED"}
DUMMY_DATE = "19000101"
DUMMY_TIME = "000000"
DUMMY_DATETIME = "19000101000000"
NUMERIC_VRS = frozenset({"IS", "DS", "US", "SS", "UL", "SL", "FL", "FD", "SV", "UV", "AT"})
BINARY_VRS = frozenset({"OB", "OW", "OF", "OD", "OL", "OV", "UN"})
# UIDs with these prefixes carry no organisation root: 2.25 is the UUID-derived arc that
# de-identifiers (ours included) use; 1.2.840.10008 is the standard's own well-known UIDs.
NEUTRAL_UID_PREFIXES = ("2.25.", "1.2.840.10008.")


def is_dummy(value, vr: str) -> bool:
    """True when a value is empty or an obvious placeholder for its VR.

    Text: every word is a placeholder word (ANONYMOUS, REMOVED, ...) or only X's or zeros.
    Dates: year 1900 or earlier.  Times: all zeros.  Numbers: all zero.  Binary: all zero bytes.
    UIDs are judged by `uid_is_replaced`, not here.
    """
    if value is None:
        return True
    if vr == "SQ":
        return len(value) == 0
    if isinstance(value, (bytes, bytearray)):
        return not any(value)
    values = list(value) if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue" else [value]
    values = [v for v in values if v is not None and str(v).strip() != ""]
    if not values:
        return True
    return all(_is_dummy_one(str(v).strip(), vr) for v in values)


def _is_dummy_one(text: str, vr: str) -> bool:
    if vr == "DA" or vr == "DT":
        return bool(re.match(r"^\d{4}", text)) and int(text[:4]) <= 1900
    if vr == "TM":
        return set(text) <= set("0.:")
    if vr in NUMERIC_VRS:
        try:
            return float(text) == 0
        except ValueError:
            return False
    if vr == "AS":
        return set(text[:3]) <= {"0"}
    words = [w for w in re.split(r"[\s\^=\\,;:_]+", text.upper()) if w]
    return all(w in DUMMY_WORDS or set(w) <= {"X"} or set(w) <= {"0"} for w in words)


def uid_is_replaced(uid: str) -> bool:
    """A UID passes when it carries no organisation root (2.25.<number>) or is a standard UID.

    Why: an original scanner UID starts with the manufacturer's or hospital's registered root
    (e.g. 1.2.840.113619 for GE) and can be looked up in the source PACS.  De-identified sets
    use 2.25 UIDs; replacing consistently within a set is the de-identifier's job.
    """
    uid = str(uid).strip()
    return not uid or uid.startswith(NEUTRAL_UID_PREFIXES)


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m site_gen.phi.profile",
        description="Generate the project's DICOM confidentiality-profile table from the standard's JSON.",
    )
    parser.add_argument("--source", required=True, type=Path,
                        help="dicom-confidentiality-profile-attributes.json (innolitics/dicom-standard)")
    parser.add_argument("--output", type=Path, default=TABLE_PATH)
    args = parser.parse_args(argv)
    try:
        raw = args.source.read_bytes()
        rows = json.loads(raw)
    except (OSError, ValueError) as error:
        print(f"cannot read the source table {args.source}: {error}", file=sys.stderr)
        return 2
    table = generate(rows, hashlib.sha256(raw).hexdigest())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({len(table['attributes'])} attributes, "
          f"{len(table['wildcards'])} group rules) from {SOURCE['standard']} {SOURCE['revision']}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
