"""Read YAML keeping the line and column of every key and value.

PyYAML's composed node tree carries marks; we build plain Python data from it and a
map from each value's path (tuple of keys and indexes) to its position, so that every
problem can be reported as path:line:column.  Duplicate keys, which PyYAML silently
overwrites, are reported instead.

Every YAML text the tools read from the repository goes through `compose_limited` (or
`safe_load_limited`), which refuses what would hang or crash a reader before it gets there: files
over MAX_YAML_BYTES, nesting deeper than MAX_NESTING (libyaml itself crashes on some ten thousand
levels), and aliases (`*name`) used more than MAX_ALIASES times or expanding to more than
MAX_EXPANDED_NODES values (a 1.5 KB "billion laughs" expands to a billion).
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem
from .quoting import shown

Location = tuple  # (key or index, ...)


@dataclass
class YamlDocument:
    path: str
    data: Any
    value_marks: dict[Location, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Location, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def position(self, location: Location, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of a value (or of its key); falls back to the nearest parent."""
        location = tuple(location)
        while True:
            marks = self.key_marks if key else self.value_marks
            if location in marks:
                return marks[location]
            if key and location in self.value_marks:
                return self.value_marks[location]
            if not location:
                return (1, 1)
            location = location[:-1]

    def problem(self, location: Location, message: str, *, key: bool = False) -> Problem:
        line, column = self.position(location, key=key)
        return Problem(self.path, line, column, message)


class _Constructor(yaml.constructor.SafeConstructor):
    pass


# libyaml's parser is about ten times faster than the pure-Python one and keeps marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_YAML_BYTES = 2 * 2**20
MAX_NESTING = 64
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000
# Cheap bounds checked on the raw text before libyaml sees it (both far above MAX_NESTING).
_MAX_RAW_INDENT = 1000
_MAX_RAW_FLOW = 500
_DEEP_INDENT = re.compile(r"^(?:[ \t]|[-?](?=[ \t])){%d,}" % _MAX_RAW_INDENT, re.MULTILINE)
_FLOW = re.compile(r"[\[\]{}]")


class YamlLimitError(yaml.YAMLError):
    """A YAML text refused because reading it would exhaust time or memory; plain words."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _precheck(text: str) -> None:
    if len(text) > MAX_YAML_BYTES:
        raise YamlLimitError(f"this file is too large to read safely (over {MAX_YAML_BYTES // 2**20} MB)")
    deep = _DEEP_INDENT.search(text)
    if deep:
        raise YamlLimitError("this file is nested too deeply to read safely (indentation of over "
                             f"{_MAX_RAW_INDENT} columns)", *_position(text, deep.start()))
    if text.count("[") + text.count("{") > _MAX_RAW_FLOW:
        depth = 0
        for match in _FLOW.finditer(text):
            depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
            if depth > _MAX_RAW_FLOW:
                raise YamlLimitError("this file is nested too deeply to read safely (over "
                                     f"{_MAX_RAW_FLOW} brackets open)", *_position(text, match.start()))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_node_limits(root: yaml.Node) -> None:
    """Refuse recursive, too deeply nested or alias-expanding node graphs, in time linear in the
    number of distinct nodes (aliases make the graph a DAG; nothing is expanded here)."""
    expanded: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()
    references = distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            expanded[key] = 1 + sum(expanded[id(c)] for c in children)
            height[key] = 1 + max((height[id(c)] for c in children), default=0)
            if height[key] > MAX_NESTING:
                raise YamlLimitError(f"this file is nested more than {MAX_NESTING} levels deep",
                                     node.start_mark.line + 1, node.start_mark.column + 1)
            if expanded[key] > MAX_EXPANDED_NODES:
                raise YamlLimitError(f"the aliases (*name) in this file expand to more than {MAX_EXPANDED_NODES:,} "
                                     "values; write the values out instead of repeating anchors",
                                     node.start_mark.line + 1, node.start_mark.column + 1)
            continue
        if key in expanded:
            continue
        if key in on_path:
            raise YamlLimitError("an alias (*name) in this file refers to the value that contains it",
                                 node.start_mark.line + 1, node.start_mark.column + 1)
        on_path.add(key)
        distinct += 1
        stack.append((node, True))
        for child in _children(node):
            references += 1
            if id(child) in expanded or id(child) in on_path:
                if id(child) in on_path:
                    raise YamlLimitError("an alias (*name) in this file refers to the value that contains it",
                                         child.start_mark.line + 1, child.start_mark.column + 1)
                continue
            stack.append((child, False))
    aliases = references - (distinct - 1)
    if aliases > MAX_ALIASES:
        raise YamlLimitError(f"this file uses aliases (*name) {aliases} times; at most {MAX_ALIASES} are "
                             "allowed: write the values out instead")


def compose_limited(text: str) -> yaml.Node | None:
    """The node tree of one YAML document, within the limits above (YamlLimitError otherwise;
    syntax errors raise yaml.YAMLError as usual)."""
    _precheck(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is not None:
        check_node_limits(node)
    return node


def safe_load_limited(text: str):
    """yaml.safe_load within the limits above."""
    node = compose_limited(text)
    if node is None:
        return None
    return yaml.constructor.SafeConstructor().construct_document(node)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse one YAML document; syntax errors become a Problem with the error's line."""
    doc = YamlDocument(path=path, data=None)
    try:
        node = compose_limited(text)
    except YamlLimitError as error:
        doc.problems.append(Problem(path, error.line, error.column, f"{error.message}; refused"))
        return doc
    except yaml.MarkedYAMLError as error:
        doc.problems.append(syntax_problem(text, path, error))
        return doc
    except yaml.reader.ReaderError as error:  # control characters YAML forbids
        before = text[: error.position] if isinstance(error.position, int) else ""
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        doc.problems.append(Problem(path, line, column, "this file contains an invisible control character "
                                    "that YAML does not allow; retype this line"))
        return doc
    except yaml.YAMLError as error:
        doc.problems.append(Problem(path, 1, 1, f"this file is not valid YAML ({error.__class__.__name__})"))
        return doc
    if node is None:
        doc.data = None
        return doc
    constructor = _Constructor()
    doc.data = _build(node, (), doc, constructor)
    return doc


_OPENERS = {"quoted scalar": "quotation mark", "flow sequence": "'['", "flow mapping": "'{'"}
# Where a value can start with a quotation mark: after "key:", "- " or "? " (possibly nested).
_VALUE_START = re.compile(r"""^(\s*)((?:-\s+|\?\s+)*)(?:([^\s#"'][^#]*?):(?:\s+|$))?((?:-\s+)*)(["'])""")
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*\s*(?:#.*)?$")


def syntax_problem(text: str, path: str, error: yaml.MarkedYAMLError) -> Problem:
    """Locate a syntax error where the contributor has to fix it.

    PyYAML reports where it gave up, which for an unclosed quotation mark or bracket is the end
    of the file or the next quotation mark, many lines below.  Its context mark (where it was
    reading) and a scan for the first quotation mark not closed on its own line point at the
    place the problem starts.
    """
    problem, context = error.problem_mark, error.context_mark
    where = (problem.line + 1, problem.column + 1) if problem else (1, 1)
    context_words = (error.context or "").lower()
    opener = next((name for key, name in _OPENERS.items() if key in context_words), None)
    reads_to = "the end of the file" if "end of stream" in (error.problem or "") else f"line {where[0]}"
    if opener and context is not None and (context.line + 1, context.column + 1) < where:
        line, column = context.line + 1, context.column + 1
        return Problem(path, line, column, f"this file is not valid YAML: the {opener} opened here is never "
                       f"closed, so YAML reads on to "
                       f"{reads_to}; close it at the end of the value" + (
                           " (or remove it: a value needs quotes only if it contains ': ' or starts with a "
                           "special character)" if opener == "quotation mark" else ""))
    unclosed = first_unclosed_quote(text)
    if unclosed is not None and unclosed < where:
        return Problem(path, unclosed[0], unclosed[1], "this file is not valid YAML: this quotation mark is not "
                       "closed on its line, so YAML reads on to the next one and stops at line "
                       f"{where[0]}; close it at the end of the value")
    what = (error.problem or error.context or "unreadable YAML").rstrip(".")
    return Problem(path, where[0], where[1], f"this file is not valid YAML ({what}); "
                   "check indentation, colons and quotes on this line or the one above")


def first_unclosed_quote(text: str) -> tuple[int, int] | None:
    """(line, column) of the first value that opens a quotation mark and does not close it on
    the same line; block scalars (|, >) and comments are skipped (an apostrophe there is text)."""
    block_indent: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        match = _VALUE_START.match(line)
        if match and not _closes(line, match.end(5), match.group(5)):
            return number, match.start(5) + 1
        body = line.split(" #", 1)[0].rstrip()
        if _BLOCK_HEADER.search(body) and (":" in body or body.lstrip().startswith("- ")):
            block_indent = indent
    return None


def _closes(line: str, start: int, quote: str) -> bool:
    index = start
    while index < len(line):
        char = line[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and line[index + 1:index + 2] == "'":  # '' is an apostrophe inside '...'
                index += 2
                continue
            return True
        index += 1
    return False


def load_yaml(path: Path, display_path: str) -> YamlDocument:
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            return YamlDocument(display_path, None, problems=[Problem(
                display_path, 1, 1, f"this file is too large (over {MAX_YAML_BYTES // 2**20} MB); refused")])
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return YamlDocument(display_path, None, problems=[Problem(
            display_path, line, 1, "this file is not UTF-8 text; save it as UTF-8")])
    except OSError as error:
        return YamlDocument(display_path, None, problems=[Problem(
            display_path, 0, 0, f"cannot read this file ({error.strerror})")])
    return parse_yaml(text, display_path)


def _build(node: yaml.Node, location: Location, doc: YamlDocument, constructor: _Constructor) -> Any:
    doc.value_marks[location] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # merge keys are not part of the case format
            key = constructor.construct_object(key_node)
            key = key if isinstance(key, str) else str(key)
            child = location + (key,)
            if key in result:
                line, column = _mark(key_node)
                doc.problems.append(Problem(doc.path, line, column, f"{shown(key)} appears twice here; keep only one"))
            doc.key_marks[child] = _mark(key_node)
            result[key] = _build(value_node, child, doc, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, location + (index,), doc, constructor) for index, item in enumerate(node.value)]
    value = constructor.construct_object(node)
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = node.value  # keep dates as written; the schema decides whether they are allowed
    if isinstance(value, str) and "phi" in value.lower():
        from ..phi.allow import strip_pragmas  # allow comments inside values never reach the site
        value = strip_pragmas(value)
    return value
