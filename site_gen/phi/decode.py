"""Text as readers will see it, with a map back to the source: YAML scalars decoded the way a
YAML parser decodes them, then Markdown decoded the way the page will show it.

`"\\x4Flivia"` in a YAML file, `&#79;livia` or `Oli**v**ia` in Markdown all read "Olivia" on the
site; the guard checks that decoded text too.  Every function returns the decoded text and,
for each of its characters, the offset in the input it came from (None for a character the
decoding made up, such as the space of a folded line break).
"""
from __future__ import annotations

import html.entities
import re
from typing import Optional

import yaml

Offsets = list[Optional[int]]

# --- YAML --------------------------------------------------------------------------------

_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
            "L": "\u2028", "P": "\u2029"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _double_quoted(source: str, start: int, end: int) -> tuple[str, Offsets]:
    """Decode a double-quoted scalar source[start:end] (quotes included), YAML 1.1 rules."""
    out: list[str] = []
    offsets: Offsets = []
    index, stop = start + 1, end - 1
    while index < stop:
        char = source[index]
        if char == "\\" and index + 1 < stop:
            code = source[index + 1]
            if code in _HEX_ESCAPES:
                width = _HEX_ESCAPES[code]
                digits = source[index + 2:index + 2 + width]
                try:
                    out.append(chr(int(digits, 16)))
                except ValueError:
                    return "", []
                offsets.append(index)
                index += 2 + width
                continue
            if code in _ESCAPES:
                out.append(_ESCAPES[code])
                offsets.append(index)
                index += 2
                continue
            if code in "\r\n":  # escaped line break: joined without a space
                index += 3 if source.startswith("\r\n", index + 1) else 2
                while index < stop and source[index] in " \t":
                    index += 1
                continue
            return "", []
        if char in " \t\r\n":
            run_end = index
            while run_end < stop and source[run_end] in " \t":
                run_end += 1
            if run_end < stop and source[run_end] in "\r\n":
                breaks = 0
                while run_end < stop and source[run_end] in " \t\r\n":
                    if source[run_end] == "\n":
                        breaks += 1
                    run_end += 1
                folded = " " if breaks == 1 else "\n" * (breaks - 1)
                out.extend(folded)
                offsets.extend([None] * len(folded))
                index = run_end
                continue
            for position in range(index, run_end):
                out.append(source[position])
                offsets.append(position)
            index = run_end
            continue
        out.append(char)
        offsets.append(index)
        index += 1
    return "".join(out), offsets


def _aligned(value: str, source: str, start: int, end: int) -> Offsets:
    """Offsets of a value whose characters appear verbatim, in order, in source[start:end]
    (plain, single-quoted and block scalars: only spacing and quote doubling differ)."""
    offsets: Offsets = []
    cursor = start
    for char in value:
        if char.isspace():
            offsets.append(None)
            continue
        found = source.find(char, cursor, end)
        if found == -1:
            offsets.append(None)
            continue
        offsets.append(found)
        cursor = found + 1
    return offsets


def scalar_view(node: yaml.ScalarNode, source: str) -> tuple[str, Offsets]:
    """A scalar's value and, per character, its offset in `source`."""
    start, end = node.start_mark.index, node.end_mark.index
    value = node.value
    if node.style == '"':
        decoded, offsets = _double_quoted(source, start, end)
        if decoded == value:
            return value, offsets
        return value, [start] * len(value)  # unusual spelling: place every finding at the value
    if node.style in ("|", ">"):
        # The header ('|2-', '>+'...) holds digits and signs that must not be matched.
        header_end = source.find("\n", start, end)
        start = end if header_end == -1 else header_end + 1
    return value, _aligned(value, source, start, end)


# --- Markdown ----------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_LINK_TARGET = re.compile(r"\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")
_MARKUP = re.compile(r"[*_~`\[\]]+")
_ESCAPABLE = set("\\`*_{}[]()#+-.!|<>&'\"~:;=/")


def _entity(text: str) -> str | None:
    body = text[1:]
    if body.startswith("#"):
        number = body[1:].rstrip(";")
        try:
            code = int(number[1:], 16) if number[:1] in "xX" else int(number)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        except ValueError:
            return None
    if body.endswith(";"):
        return html.entities.html5.get(body)
    return html.entities.html5.get(body)  # the legacy names browsers accept without ';'


def _percent(run: str) -> str | None:
    try:
        return bytes.fromhex(run.replace("%", "")).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def markdown_view(text: str) -> tuple[str, Offsets]:
    """`text` as a reader sees it once Markdown and the browser have decoded it: character
    references and %-escapes decoded, backslash escapes, emphasis and code markers, link
    targets and inline HTML tags removed.  Offsets point into `text`."""
    if not any(c in text for c in "&%\\*_~`[]<"):
        return text, list(range(len(text)))
    removed = [False] * len(text)
    replaced: dict[int, tuple[str, int]] = {}  # start -> (decoded text, length of the source)
    targets = []
    for pattern in (_LINK_TARGET, _TAG):
        for match in pattern.finditer(text):
            if pattern is _LINK_TARGET:
                targets.append((match.start() + 2, match.end() - 1))
            for index in range(match.start(), match.end()):
                removed[index] = True
    for match in _ENTITY.finditer(text):
        decoded = _entity(match.group())
        if decoded is not None and not any(removed[match.start():match.end()]):
            replaced[match.start()] = (decoded, match.end() - match.start())
    for match in _PERCENT.finditer(text):
        decoded = _percent(match.group())
        if decoded is not None and not any(removed[match.start():match.end()]):
            replaced[match.start()] = (decoded, match.end() - match.start())
    for match in _MARKUP.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if before.isalnum() or after.isalnum():  # markup inside or at the edge of a word
            for index in range(match.start(), match.end()):
                removed[index] = True
    out: list[str] = []
    offsets: Offsets = []
    index = 0
    while index < len(text):
        if index in replaced:
            decoded, length = replaced[index]
            out.extend(decoded)
            offsets.extend([index] * len(decoded))
            index += length
            continue
        char = text[index]
        if removed[index]:
            index += 1
            continue
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _ESCAPABLE:
            out.append(text[index + 1])
            offsets.append(index + 1)
            index += 2
            continue
        out.append(char)
        offsets.append(index)
        index += 1
    for start, end in targets:  # link targets, %-decoded, each on a line of its own after the text
        out.append("\n")
        offsets.append(None)
        cursor = start
        for match in _PERCENT.finditer(text, start, end):
            decoded = _percent(match.group())
            if decoded is None:
                continue
            out.extend(text[cursor:match.start()])
            offsets.extend(range(cursor, match.start()))
            out.extend(decoded)
            offsets.extend([match.start()] * len(decoded))
            cursor = match.end()
        out.extend(text[cursor:end])
        offsets.extend(range(cursor, end))
    return "".join(out), offsets


def compose(outer: Offsets, inner: Offsets) -> Offsets:
    """Offsets of a view of a view: `inner` points into the text that `outer` maps."""
    return [outer[i] if i is not None and i < len(outer) else None for i in inner]
