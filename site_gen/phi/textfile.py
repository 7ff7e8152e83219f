"""Run the text detector over a text file and report each finding at its line and column.

Text is checked as written and as it will be read:

* the raw text, every character of it (comments, keys, values);
* YAML: each value decoded as a YAML parser decodes it (folded lines joined, `\\x4F` and `\\u`
  escapes, quote doubling), then as Markdown shows it;
* Markdown and plain text: each paragraph as Markdown shows it (character references such as
  `&#79;`, backslash escapes, emphasis inside words, inline HTML, %-encoded links).

Each finding of a decoded view is mapped back to the source character it came from.  Fields
whose values are names or numbers by design (a profile's own name, a citation's authors) may
hold those categories only (data/published-fields.yml).  Allow comments apply to their own line
only, before the comment, and in YAML only to the value ending there (see allow.py).
"""
from __future__ import annotations

import bisect
import fnmatch
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable

import yaml

from . import citation
from .allow import Pragma, Suppression, blank_pragma_heads, find_pragmas
from .decode import Offsets, compose, markdown_view, scalar_view
from .finding import Category, Finding, Span, mask, value_hash

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
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_bounds(self, offset: int, length: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else length
        return self.starts[line], end


@dataclass
class TextCheck:
    """What checking one text file gives: findings, those an allow comment excused, every allow
    comment seen (valid ones), and notes about malformed or misplaced ones."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)
    allows: list[Suppression] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Hit:
    start: int   # source offsets, end exclusive
    end: int
    span: Span


def _analyze(text: str) -> list[Span]:
    from .text import analyze  # the detector loads its name data on first use
    return analyze(text)


def _first(offsets: Offsets, start: int, end: int, reverse: bool = False) -> int | None:
    indexes = range(min(end, len(offsets)) - 1, start - 1, -1) if reverse else range(start, min(end, len(offsets)))
    for index in indexes:
        if offsets[index] is not None:
            return offsets[index]
    return None


def _mapped(spans: Iterable[Span], offsets: Offsets, base: int = 0) -> list[_Hit]:
    hits = []
    for span in spans:
        start = _first(offsets, span.start, span.end)
        last = _first(offsets, span.start, span.end, reverse=True)
        if start is None:
            start = _first(offsets, span.end, len(offsets))  # a made-up character: the next real one
            last = start
        if start is None:
            continue
        hits.append(_Hit(base + start, base + max(last, start) + 1, span))
    return hits


# --- fields with allowed categories ------------------------------------------------------

@dataclass(frozen=True)
class _FieldRule:
    files: tuple[str, ...]
    fields: tuple[str, ...]
    categories: frozenset[str]
    pattern: re.Pattern | None
    shape: str | None


@lru_cache(maxsize=1)
def _field_rules() -> tuple[_FieldRule, ...]:
    data = yaml.safe_load(resources.files("site_gen.phi").joinpath("data", "published-fields.yml").read_text("utf-8"))
    return tuple(_FieldRule(tuple(item["files"]), tuple(item["fields"]), frozenset(item.get("categories", ())),
                            re.compile(item["pattern"]) if item.get("pattern") else None, item.get("shape"))
                 for item in data)


def _rules_for(rel: str) -> list[_FieldRule]:
    return [rule for rule in _field_rules() if any(fnmatch.fnmatchcase(rel, pattern) for pattern in rule.files)]


def _value_nodes(node: yaml.Node, path: str = "") -> Iterable[tuple[str, yaml.Node]]:
    """(field path, node) for every value: 'references[].citation', 'authors[]', 'title'."""
    stack = [(path, node)]
    while stack:
        where, current = stack.pop()
        yield where, current
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                stack.append((f"{where}.{name}" if where else name, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((f"{where}[]", item) for item in current.value)


def _allowed_ranges(root: yaml.Node, source: str, rel: str) -> list[tuple[int, int, frozenset[str]]]:
    rules = _rules_for(rel)
    if not rules:
        return []
    ranges = []
    for where, node in _value_nodes(root):
        for rule in rules:
            if where not in rule.fields:  # the field itself; what it holds is covered by _scalars below
                continue
            for scalar in _scalars(node):
                start, end = scalar.start_mark.index, scalar.end_mark.index
                if rule.pattern is not None and not rule.pattern.fullmatch(scalar.value):
                    continue
                if rule.shape == "citation":
                    value, offsets = scalar_view(scalar, source)
                    for span_start, span_end, categories in citation.allowed_spans(value):
                        first = _first(offsets, span_start, span_end)
                        last = _first(offsets, span_start, span_end, reverse=True)
                        if first is not None:
                            ranges.append((first, last + 1, categories))
                else:
                    ranges.append((start, end, rule.categories))
    return ranges


def _scalars(node: yaml.Node) -> Iterable[yaml.ScalarNode]:
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            yield current
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((value, key))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))


# --- allow comments ----------------------------------------------------------------------

def _pragma_scope(pragma: Pragma, text: str, index: LineIndex, scalars: list[yaml.ScalarNode] | None,
                  ) -> tuple[int, int] | None:
    """Source range a valid allow comment excuses: its line, before it; in YAML only the value
    that ends there (or holds it, in a block scalar).  None: it excuses nothing."""
    line_start, _ = index.line_bounds(pragma.offset, len(text))
    if scalars is None:
        return (line_start, pragma.offset) if text[line_start:pragma.offset].strip() else None
    holder = None
    for node in scalars:
        start, end = node.start_mark.index, node.end_mark.index
        holds = start < pragma.offset < end
        ends_here = line_start < end <= pragma.offset
        if (holds or ends_here) and (holder is None or start > holder.start_mark.index):
            holder = node
    if holder is not None and holder.start_mark.index < pragma.offset < holder.end_mark.index:
        start = max(line_start, holder.start_mark.index)  # inside a block or quoted value
        return (start, pragma.offset) if text[start:pragma.offset].strip() else None
    # A comment before the allow comment on the same line: it excuses that comment's text.
    after_value = max(line_start, holder.end_mark.index) if holder is not None else line_start
    comment = re.search(r"(?:^|(?<=[ \t]))#", text[after_value:pragma.offset])
    if comment and text[after_value + comment.end():pragma.offset].strip():
        return after_value + comment.start(), pragma.offset
    if holder is None:
        return None
    start = max(line_start, holder.start_mark.index)
    return (start, pragma.offset) if text[start:pragma.offset].strip() else None


_UNPARSED = object()


def pragma_scopes(text: str, rel: str, *, kind: str, root=_UNPARSED, pragmas: list[Pragma] | None = None,
                  index: LineIndex | None = None) -> tuple[list, list[str]]:
    """((start, end), categories, Suppression) for each valid allow comment in `text`, and notes
    on the others (malformed, or where they excuse nothing), without running the detector."""
    from ..model.yamlsource import compose_limited
    pragmas = find_pragmas(text) if pragmas is None else pragmas
    if not pragmas:
        return [], []
    index = index or LineIndex(text)
    if kind == "yaml" and root is _UNPARSED:
        try:
            root = compose_limited(text)
        except yaml.YAMLError:
            root = None
    scalars = (list(_scalars(root)) if root is not None else []) if kind == "yaml" else None
    scopes, notes = [], []
    for pragma in pragmas:
        if pragma.problem:
            notes.append(f"{rel}:{pragma.line}:{pragma.column}: {pragma.problem}; it excuses nothing")
            continue
        scope = _pragma_scope(pragma, text, index, scalars)
        if scope is None:
            notes.append(f"{rel}:{pragma.line}:{pragma.column}: this allow comment excuses nothing here: put "
                         "it at the end of the line holding the text it excuses")
            continue
        suppression = Suppression(path=rel, reason=pragma.reason, line=pragma.line,
                                  categories=tuple(sorted(pragma.categories)))
        scopes.append((scope, pragma.categories, suppression))
    return scopes, notes


# --- the check ---------------------------------------------------------------------------

def _hits_raw(text: str) -> list[_Hit]:
    return [_Hit(s.start, s.end, s) for s in _analyze(text)]


_WORD = re.compile(r"\w+")


def _new_words(view: str, source: str) -> bool:
    """True when decoding made words the raw text does not hold ('Oli**v**ia', '&#79;livia',
    '_John_', '%20'): only then is the decoded view worth reading again."""
    return Counter(_WORD.findall(view)) != Counter(_WORD.findall(source))


def _hits_markdown(text: str) -> list[_Hit]:
    """Findings in each paragraph as Markdown shows it, where that reads differently."""
    hits = []
    for match in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text):
        paragraph = match.group()
        view, offsets = markdown_view(paragraph)
        if view != paragraph and _new_words(view, paragraph):
            hits.extend(_mapped(_analyze(view), offsets, base=match.start()))
    return hits


def _hits_yaml(root: yaml.Node, text: str) -> list[_Hit]:
    """Findings in each value as decoded, where that differs from its source characters."""
    hits = []
    for node in _scalars(root):
        start, end = node.start_mark.index, node.end_mark.index
        if not node.value.strip():
            continue
        value, offsets = scalar_view(node, text)
        view, inner = markdown_view(blank_pragma_heads(value))
        source = text[start:end]
        if "\n" not in source and not _new_words(view, source):
            continue  # a one-line value that reads as written: the raw pass saw these words
        hits.extend(_mapped(_analyze(view), compose(offsets, inner)))
    return hits


_BLOCK_HEADER = re.compile(r"(?:[&!]\S*[ \t]+)*([|>][0-9+-]{0,2})")


def _blank_block_headers(text: str, root: yaml.Node) -> str:
    """`text` with each block scalar's header indicators ('|2-', '>+') replaced by spaces (same
    offsets): they are YAML syntax, and their digits and signs read like the start of a date or
    number to the detector, which would then place a finding on the header line."""
    chars = None
    for node in _scalars(root):
        if node.style not in ("|", ">"):
            continue
        # the node may start at its anchor or tag ('&a |2-', '!!str >-'): the header follows them
        header = _BLOCK_HEADER.match(text, node.start_mark.index, node.end_mark.index)
        if header is None:
            continue
        chars = chars if chars is not None else list(text)
        chars[header.start(1):header.end(1)] = " " * (header.end(1) - header.start(1))
    return text if chars is None else "".join(chars)


def _one_per_place(hits: list[_Hit]) -> list[_Hit]:
    """One finding per identifier: readings of the same category that overlap (the raw text and
    a decoded view of it, '&#79;livia' read as 'livia' and as 'Olivia') become one, spanning both."""
    out: list[_Hit] = []
    last_of: dict[str, int] = {}  # category -> index in out of its latest hit
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        category = hit.span.category.value
        previous = last_of.get(category)
        if previous is not None and hit.start < out[previous].end:
            kept = out[previous]
            if hit.end > kept.end:
                longer = hit.span if hit.end - hit.start > kept.end - kept.start else kept.span
                out[previous] = _Hit(kept.start, hit.end, longer)
            continue
        last_of[category] = len(out)
        out.append(hit)
    return sorted(out, key=lambda h: (h.start, h.span.category.value))


def _context(text: str, index: LineIndex, hit: _Hit, hits_on_line: list[_Hit]) -> str:
    """Hash of the finding's line with every identifier on it blanked to its category."""
    line_start, line_end = index.line_bounds(hit.start, len(text))
    pieces, cursor = [], line_start
    for other in sorted(hits_on_line, key=lambda h: h.start):
        if other.start < cursor:
            continue
        pieces.append(text[cursor:other.start])
        pieces.append(f"<{other.span.category.value}>")
        cursor = max(cursor, min(other.end, line_end))
    pieces.append(text[cursor:line_end])
    blanked = " ".join("".join(pieces).split())
    return hashlib.sha256(blanked.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _finding(text: str, rel: str, index: LineIndex, hit: _Hit, context: str) -> Finding:
    line, column = index.position(hit.start)
    end_line, end_column = index.position(max(hit.end, hit.start + 1))
    raw = text[hit.start:hit.end]
    return Finding(path=rel, category=hit.span.category, detector=hit.span.detector, message=describe(hit.span),
                   masked=mask(raw), line=line, column=column, value_hash=value_hash(raw),
                   end_line=end_line, end_column=end_column, context=context, why=hit.span.why)


def check_text(text: str, rel: str, *, kind: str = "text") -> TextCheck:
    """Findings in a text file (`kind` "yaml" or "text"), allow comments applied."""
    from ..model.yamlsource import YamlLimitError, compose_limited
    result = TextCheck()
    pragmas = find_pragmas(text)
    analysed = blank_pragma_heads(text, pragmas)
    index = LineIndex(text)
    root = None
    if kind == "yaml":
        try:
            root = compose_limited(text)
        except YamlLimitError as error:
            result.findings.append(Finding(path=rel, category=Category.CANNOT_VERIFY, detector="guard",
                                           message=f"{error.message}, so it cannot be checked", line=error.line,
                                           column=error.column))
        except yaml.YAMLError:
            root = None  # not YAML the site can read (validate refuses it); the raw pass covers it all
    if root is not None:
        hits = _hits_raw(_blank_block_headers(analysed, root)) + _hits_yaml(root, text)
    else:
        hits = _hits_raw(analysed) + (_hits_markdown(analysed) if kind != "yaml" else [])
    hits = _one_per_place(hits)
    if root is not None:
        allowed = _allowed_ranges(root, text, rel)
        hits = [h for h in hits if not any(start <= h.start and h.end <= end and h.span.category.value in categories
                                           for start, end, categories in allowed)]

    scopes, notes = pragma_scopes(text, rel, kind=kind, root=root, pragmas=pragmas, index=index)
    result.notes.extend(notes)
    result.allows.extend(s for _, _, s in scopes)

    by_line: dict[int, list[_Hit]] = {}
    for hit in hits:
        by_line.setdefault(index.position(hit.start)[0], []).append(hit)
    for hit in hits:
        finding = _finding(text, rel, index, hit, _context(text, index, hit, by_line[index.position(hit.start)[0]]))
        excused = next((s for (start, end), categories, s in scopes
                        if start <= hit.start < end and hit.span.category.value in categories), None)
        if excused:
            result.suppressed.append((finding, excused))
        else:
            result.findings.append(finding)
    return result


def scan_text(text: str, rel: str) -> list[Finding]:
    """Findings in a Markdown or plain-text file, allow comments applied."""
    return check_text(text, rel, kind="text").findings


def scan_yaml(text: str, rel: str) -> list[Finding]:
    """Findings in a YAML file, allow comments applied."""
    return check_text(text, rel, kind="yaml").findings
