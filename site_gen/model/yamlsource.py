"""Read YAML keeping the line and column of every key and value.

PyYAML's composed node tree carries marks; we build plain Python data from it and a
map from each value's path (tuple of keys and indexes) to its position, so that every
problem can be reported as path:line:column.  Duplicate keys, which PyYAML silently
overwrites, are reported instead.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

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


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse one YAML document; syntax errors become a Problem with the error's line."""
    doc = YamlDocument(path=path, data=None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = (error.problem or error.context or "unreadable YAML").rstrip(".")
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(Problem(path, line, column, f"this file is not valid YAML ({what}); "
                                    "check indentation, colons and quotes on this line or the one above"))
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
    finally:
        loader.dispose()
    if node is None:
        doc.data = None
        return doc
    constructor = _Constructor()
    doc.data = _build(node, (), doc, constructor)
    return doc


def load_yaml(path: Path, display_path: str) -> YamlDocument:
    try:
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
                doc.problems.append(Problem(doc.path, line, column,
                                            f"'{key}' appears twice here; keep only one"))
            doc.key_marks[child] = _mark(key_node)
            result[key] = _build(value_node, child, doc, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, location + (index,), doc, constructor) for index, item in enumerate(node.value)]
    value = constructor.construct_object(node)
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = node.value  # keep dates as written; the schema decides whether they are allowed
    return value
