"""Write a scan report as text (for people), JSON (for scripts) or SARIF 2.1.0 (for code scanning).

No format ever contains a detected value: only its place, category and a masked shape.  A file
or folder name that itself holds a finding is shown masked wherever it appears, and control
characters in names are escaped, so a name cannot forge report lines.  The same finding on many
frames of one file is one line ("frames 1-54").  SARIF fingerprints come from the rule, the file
and the finding's surroundings with every identifier blanked, never from the value.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .. import __version__
from .allow import Suppression, allow_entry
from .finding import Category, Finding, mask, printable  # noqa: F401  (printable: public here too)
from .scanner import ScanReport

_RULE_HELP = {
    Category.NAME: "Personal names of patients, relatives or staff.",
    Category.INITIALS: "Initials of a person.",
    Category.DATE: "Dates more specific than a year (birth, study, admission...). Use relative timing.",
    Category.AGE_OVER_89: "Ages over 89 must be written \"90+\".",
    Category.ADDRESS: "Addresses, towns and geographic units smaller than a state, postal codes.",
    Category.PHONE: "Telephone and fax numbers.",
    Category.EMAIL: "E-mail addresses.",
    Category.ID_NUMBER: "Record, accession, insurance and other identifying numbers.",
    Category.VEHICLE: "Vehicle identifiers and licence plates.",
    Category.DEVICE_ID: "Device identifiers and serial numbers.",
    Category.URL_IP: "Web and IP addresses.",
    Category.INSTITUTION: "Names of hospitals and institutions.",
    Category.BIOMETRIC: "Biometric identifiers.",
    Category.FACE: "Photographs showing a face.",
    Category.DICOM_ATTRIBUTE: "DICOM attributes the PS3.15 Basic Confidentiality Profile removes or blanks.",
    Category.CANNOT_VERIFY: "Files the guard cannot read are refused: it never passes what it cannot check.",
}


def _mask_name(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 5:
        return mask(name).replace(" ", "_") or "x"
    return (mask(stem).replace(" ", "_") or "x") + "." + suffix


def display_path(path: str, masked_names: set[str] | frozenset[str] = frozenset()) -> str:
    """`path` for people: components whose name holds a finding masked, controls escaped."""
    parts = path.split("/")
    shown = [(_mask_name(part) if "/".join(parts[:depth + 1]) in masked_names else part)
             for depth, part in enumerate(parts)]
    return printable("/".join(shown))


def _ranges(numbers: list[int]) -> str:
    numbers = sorted(set(numbers))
    pieces, start = [], numbers[0]
    for previous, current in zip(numbers, numbers[1:] + [None]):
        if current != previous + 1:
            pieces.append(f"{start}" if start == previous else f"{start}-{previous}")
            start = current
    return ", ".join(pieces)


@dataclass
class Group:
    """One finding, or the same finding on several frames of one file."""

    first: Finding
    frames: list[int]
    boxes: set

    def where(self) -> str:
        """The place inside the file: line:column, or frames and box."""
        finding = self.first
        if finding.line is not None:
            return f":{finding.line}:{finding.column or 1}"
        out = ""
        if self.frames:
            out += (f" frame {self.frames[0]}" if len(self.frames) == 1
                    else f" frames {_ranges(self.frames)}")
        if len(self.boxes) == 1 and None not in self.boxes:
            out += " box {},{},{}x{}".format(*next(iter(self.boxes)))
        elif len(self.boxes) > 1:
            out += " (boxes differ per frame)"
        return out

    def location(self, masked_names=frozenset()) -> str:
        return display_path(self.first.path, masked_names) + self.where()


def _sort_key(f: Finding):
    return (f.path, f.line or 0, f.column or 0, f.frame or 0, f.box or (0, 0, 0, 0), f.category.value)


def group(findings: list[Finding]) -> list[Group]:
    """Findings in report order, the same one on several frames of a file merged."""
    groups: dict[tuple, Group] = {}
    for finding in sorted(findings, key=_sort_key):
        if finding.frame is None:
            key = (id(finding),)
        else:
            key = (finding.path, finding.category, finding.detector, finding.message, finding.masked)
        if key in groups:
            groups[key].frames.append(finding.frame)
            groups[key].boxes.add(finding.box)
        else:
            groups[key] = Group(finding, [finding.frame] if finding.frame is not None else [], {finding.box})
    return list(groups.values())


def finding_lines(findings: list[Finding], masked_names=frozenset()) -> list[str]:
    """One line per finding (or per finding repeated over frames), for terminals and reviews."""
    lines = []
    for item in group(findings):
        f = item.first
        shape = f" [{printable(f.masked)}]" if f.masked else ""
        lines.append(f"{item.location(masked_names)}: {f.category.value} ({f.detector}): {f.message}{shape}")
    return lines


def suppression_lines(suppressed: list[tuple[Finding, Suppression]], masked_names=frozenset()) -> list[str]:
    """Each allow that silenced something, once, with what it silenced (reasons masked)."""
    used: dict[Suppression, list[Finding]] = {}
    for finding, suppression in suppressed:
        used.setdefault(suppression, []).append(finding)
    lines = []
    for suppression, findings in used.items():
        silenced = ", ".join(sorted({f.category.value for f in findings}))
        lines.append(f"{suppression.describe(lambda p: display_path(p, masked_names))} "
                     f"(silenced {len(findings)}: {silenced})")
    return lines


def as_text(report: ScanReport) -> str:
    lines = finding_lines(report.findings, report.masked_names)
    lines.extend(f"note: {printable(note)}" for note in report.notes)
    return "\n".join(lines)


def as_json(report: ScanReport) -> str:
    items = []
    for f in sorted(report.findings, key=_sort_key):
        shown = display_path(f.path, report.masked_names)
        item = {"path": shown, "line": f.line, "column": f.column, "end_line": f.end_line,
                "end_column": f.end_column, "frame": f.frame, "box": list(f.box) if f.box else None,
                "category": f.category.value, "detector": f.detector, "message": f.message, "masked": f.masked}
        if f.why:
            item["why"] = f.why
        if f.path in report.hashes and f.line is None and f.category != Category.CANNOT_VERIFY:
            item["allow_entry"] = dict(allow_entry(f, report.hashes[f.path]), path=shown)
        items.append(item)
    return json.dumps({"files": report.files, "cached": report.cached, "findings": items,
                       "suppressed": len(report.suppressed),
                       "suppressions": suppression_lines(report.suppressed, report.masked_names),
                       "notes": [printable(n) for n in report.notes]}, indent=2)


def fingerprint(finding: Finding, where: str, occurrence: int) -> str:
    """Stable across runs and line moves; built from the rule, the file and the finding's
    surroundings (identifiers blanked), so hashing candidate values cannot match it."""
    material = json.dumps([finding.category.value, finding.detector, finding.path,
                           finding.context or where, occurrence])
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def as_sarif(report: ScanReport) -> str:
    categories = sorted({f.category for f in report.findings}, key=lambda c: c.value)
    rules = [{"id": c.value, "name": c.value.title().replace("_", ""),
              "shortDescription": {"text": _RULE_HELP.get(c, c.value)},
              "defaultConfiguration": {"level": "error"}} for c in categories]
    results = []
    seen: dict[tuple, int] = {}
    for item in group(report.findings):
        f = item.first
        # Relative URIs: GitHub code scanning resolves them against the repository root.
        location = {"physicalLocation": {"artifactLocation": {"uri": display_path(f.path, report.masked_names)}}}
        if f.line is not None:
            region = {"startLine": f.line, "startColumn": f.column or 1}
            if f.end_line is not None:
                region.update(endLine=f.end_line, endColumn=f.end_column or (f.column or 1) + 1)
            location["physicalLocation"]["region"] = region
        where = item.where().strip()
        text = f"{f.category.value} ({f.detector}): {f.message}" + (f" at {where}" if where and f.line is None else "")
        key = (f.category, f.detector, f.path, f.context or where)
        seen[key] = seen.get(key, 0) + 1
        results.append({"ruleId": f.category.value, "level": "error", "message": {"text": text},
                        "locations": [location],
                        "partialFingerprints": {"phiFinding/v2": fingerprint(f, where, seen[key])}})
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "site-gen check-phi", "version": __version__, "rules": rules}},
                  "results": results}],
    }
    return json.dumps(sarif, indent=2)
