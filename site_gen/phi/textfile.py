"""Run the text detector over a text file and report each finding at its line and column.

YAML files are read twice: as raw text (catches comments and keys) and scalar by scalar, so
that a value folded over several lines (`>` or plain multi-line scalars) is seen joined,
as a reader sees it.  Each scalar's detections are mapped back to the file by aligning the
value's characters with the source text.
"""
from __future__ import annotations

import bisect
from typing import Iterable

import yaml

from .finding import Finding, Span, mask, value_hash

YAML_SUFFIXES = {".yml", ".yaml"}

_MESSAGES = {
    "NAME": "looks like a personal name",
    "INITIALS": "looks like a person's initials",
    "DATE": "looks like a date (only relative timing such as 'day 3' is allowed)",
    "AGE_OVER_89": "age over 89 (write \"90+\")",
    "ADDRESS": "looks like an address, place or postal code",
    "PHONE": "looks like a telephone or fax number",
    "EMAIL": "looks like an e-mail address",
    "ID_NUMBER": "looks like an identifying number (record, accession, insurance...)",
    "VEHICLE": "looks like a vehicle identifier or plate",
    "DEVICE_ID": "looks like a device identifier or serial number",
    "URL_IP": "looks like a web or IP address",
    "INSTITUTION": "looks like the name of a hospital or institution",
    "BIOMETRIC": "looks like a biometric identifier",
}


def describe(span: Span) -> str:
    return _MESSAGES.get(span.category.value, span.category.value.lower().replace("_", " "))


class LineIndex:
    def __init__(self, text: str):
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.starts.append(index + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def _analyze(text: str) -> list[Span]:
    from .text import analyze  # the detector loads its name data on first use
    return analyze(text)


def _findings(spans: Iterable[Span], source: str, rel: str, index: LineIndex,
              to_source=lambda offset: offset) -> list[Finding]:
    found = []
    for span in spans:
        raw = source_value = None
        start = to_source(span.start)
        if start is None:
            continue
        line, column = index.position(start)
        end = to_source(max(span.end - 1, span.start))
        raw = source[start:(end + 1) if end is not None and end >= start else start + 1]
        source_value = raw
        found.append(Finding(path=rel, category=span.category, detector=span.detector,
                             message=describe(span), masked=mask(source_value), line=line, column=column,
                             value_hash=value_hash(source_value), why=span.why))
    return found


def scan_text(text: str, rel: str) -> list[Finding]:
    index = LineIndex(text)
    return _findings(_analyze(text), text, rel, index)


def _scalar_nodes(node: yaml.Node) -> Iterable[yaml.ScalarNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            yield current
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((value, key))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))


def _align(value: str, source: str, start: int, end: int) -> list[int | None]:
    """For each character of a scalar's value, its offset in the source (None for folds)."""
    mapping: list[int | None] = []
    cursor = start
    for char in value:
        if char.isspace():
            mapping.append(None)
            continue
        found = source.find(char, cursor, end)
        if found == -1:
            mapping.append(None)
            continue
        mapping.append(found)
        cursor = found + 1
    return mapping


# Fields of case.yml whose names and dates are not the patient's: the authors of cited
# papers and of the case (usernames).  Other categories are still reported there.
CITATION_FIELDS = {"references": {"NAME", "INITIALS", "DATE", "URL_IP", "ADDRESS", "ID_NUMBER"},
                   "authors": {"NAME", "INITIALS"}}


def _exempt_ranges(root: yaml.Node) -> list[tuple[tuple[int, int], tuple[int, int], set[str]]]:
    """(start, end, categories) in 1-based (line, column) for values of CITATION_FIELDS."""
    ranges = []
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value in CITATION_FIELDS:
                ranges.append(((value.start_mark.line + 1, value.start_mark.column + 1),
                               (value.end_mark.line + 1, value.end_mark.column + 1),
                               CITATION_FIELDS[key.value]))
    return ranges


def scan_yaml(text: str, rel: str) -> list[Finding]:
    """Raw-text findings plus findings in joined multi-line scalars, without duplicates."""
    index = LineIndex(text)
    findings = _findings(_analyze(text), text, rel, index)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return findings  # the raw-text pass above still covered every character
    if root is None:
        return findings
    exempt = _exempt_ranges(root)

    def allowed(finding: Finding) -> bool:
        place = (finding.line, finding.column)
        return not any(start <= place < end and finding.category.value in categories
                       for start, end, categories in exempt)

    findings = [f for f in findings if allowed(f)]
    seen = {(f.line, f.column, f.category) for f in findings}
    for node in _scalar_nodes(root):
        value = node.value
        if "\n" not in text[node.start_mark.index:node.end_mark.index] or not value.strip():
            continue  # single-line scalars were fully seen by the raw pass
        mapping = _align(value, text, node.start_mark.index, node.end_mark.index)

        def to_source(offset: int, mapping=mapping):
            for probe in range(offset, len(mapping)):
                if mapping[probe] is not None:
                    return mapping[probe]
            return None

        for finding in _findings(_analyze(value), text, rel, index, to_source):
            key = (finding.line, finding.column, finding.category)
            if key not in seen and allowed(finding):
                seen.add(key)
                findings.append(finding)
    return findings
