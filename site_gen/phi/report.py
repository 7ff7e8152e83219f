"""Write a scan report as text (for people), JSON (for scripts) or SARIF 2.1.0 (for code scanning).

No format ever contains a detected value: only its place, category and a masked shape.
"""
from __future__ import annotations

import json

from .. import __version__
from .allow import allow_entry
from .finding import Category, Finding
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


def _sort_key(f: Finding):
    return (f.path, f.line or 0, f.column or 0, f.frame or 0, f.box or (0, 0, 0, 0), f.category.value)


def as_text(report: ScanReport) -> str:
    lines = []
    for f in sorted(report.findings, key=_sort_key):
        shape = f" [{f.masked}]" if f.masked else ""
        lines.append(f"{f.location()}: {f.category.value} ({f.detector}): {f.message}{shape}")
    lines.extend(f"note: {note}" for note in report.notes)
    return "\n".join(lines)


def as_json(report: ScanReport) -> str:
    items = []
    for f in sorted(report.findings, key=_sort_key):
        item = {"path": f.path, "line": f.line, "column": f.column, "frame": f.frame,
                "box": list(f.box) if f.box else None, "category": f.category.value,
                "detector": f.detector, "message": f.message, "masked": f.masked}
        if f.why:
            item["why"] = f.why
        if f.path in report.hashes and f.line is None:
            item["allow_entry"] = allow_entry(f, report.hashes[f.path])
        items.append(item)
    return json.dumps({"files": report.files, "cached": report.cached, "findings": items,
                       "suppressed": len(report.suppressed), "notes": report.notes}, indent=2)


def as_sarif(report: ScanReport) -> str:
    categories = sorted({f.category for f in report.findings}, key=lambda c: c.value)
    rules = [{"id": c.value, "name": c.value.title().replace("_", ""),
              "shortDescription": {"text": _RULE_HELP.get(c, c.value)},
              "defaultConfiguration": {"level": "error"}} for c in categories]
    results = []
    for f in sorted(report.findings, key=_sort_key):
        # Relative URIs: GitHub code scanning resolves them against the repository root.
        location = {"physicalLocation": {"artifactLocation": {"uri": f.path}}}
        if f.line is not None:
            location["physicalLocation"]["region"] = {"startLine": f.line, "startColumn": f.column or 1}
        where = f.location()[len(f.path):].strip()
        text = f"{f.category.value} ({f.detector}): {f.message}" + (f" at {where}" if where and f.line is None else "")
        results.append({"ruleId": f.category.value, "level": "error", "message": {"text": text},
                        "locations": [location],
                        "partialFingerprints": {"phiFinding/v1": f"{f.detector}:{f.category.value}:{f.value_hash}"}})
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "site-gen check-phi", "version": __version__, "rules": rules}},
                  "results": results}],
    }
    return json.dumps(sarif, indent=2)
