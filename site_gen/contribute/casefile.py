"""Edit case.yml as text, so the contributor's comments and layout survive.

Only one edit is needed: appending study entries to the `studies` list.  The list is found with
PyYAML's node marks; a block list gets the new items after its last item, `studies: []` is
replaced by a block list, a missing `studies` key is added at the end of the file.
"""
from __future__ import annotations

import json
import re

import yaml

from ..model.yamlsource import compose_limited

class CaseFileError(Exception):
    """case.yml cannot be edited automatically; the message says why in plain words."""


def scalar(value) -> str:
    from .scaffold import _scalar
    return _scalar(value)


def render_study(study: dict, indent: int) -> str:
    """One study as a block-list item, `indent` spaces before its dash."""
    pad = " " * indent
    lines = [f"{pad}- modality: {study['modality']}",
             f"{pad}  timing: {scalar(study['timing'])}"]
    if study.get("description"):
        lines.append(f"{pad}  description: {scalar(study['description'])}")
    findings = study.get("findings") or ""
    comment = "" if findings else "  # write what the images show (at least a sentence)"
    lines.append(f"{pad}  findings: {scalar(findings) if findings else json.dumps('')}{comment}")
    lines.append(f"{pad}  series:")
    for series in study["series"]:
        lines.append(f"{pad}    - path: {scalar(series['path'])}")
        if series.get("plane"):
            lines.append(f"{pad}      plane: {scalar(series['plane'])}")
        caption = series.get("caption") or ""
        comment = "" if caption else "  # what the reader should look at; also the images' alternative text"
        lines.append(f"{pad}      caption: {scalar(caption) if caption else json.dumps('')}{comment}")
        if series.get("key_images"):
            lines.append(f"{pad}      key_images: [{', '.join(str(k) for k in series['key_images'])}]")
        lines.append(f"{pad}      source: {scalar(series['source'])}")
        lines.append(f"{pad}      licence: {scalar(series['licence'])}")
    return "\n".join(lines) + "\n"


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def append_studies(text: str, studies: list[dict]) -> str:
    """`text` with `studies` appended to its studies list."""
    try:
        root = compose_limited(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise CaseFileError(f"case.yml is not valid YAML{where}; fix it first, then import again") from None
    if root is None:
        return text + ("" if text.endswith("\n") or not text else "\n") + "studies:\n" + "".join(
            render_study(s, 2) for s in studies)
    if not isinstance(root, yaml.MappingNode):
        raise CaseFileError("case.yml should be a list of fields (title:, authors:, ...); fix it first")
    node = next((value for key, value in root.value if getattr(key, "value", None) == "studies"), None)
    if node is None:
        body = text if text.endswith("\n") or not text else text + "\n"
        return body + "studies:\n" + "".join(render_study(s, 2) for s in studies)
    if not isinstance(node, yaml.SequenceNode):
        line = node.start_mark.line + 1
        raise CaseFileError(f"case.yml line {line}: 'studies' should be a list (each study starting with '- ')")
    if node.flow_style:
        if node.value:
            line = node.start_mark.line + 1
            raise CaseFileError(f"case.yml line {line}: write 'studies' as a list with one '- ' entry per line "
                                "(not in square brackets), then import again")
        start, end = node.start_mark.index, node.end_mark.index
        rest = text[end:]
        newline = rest.find("\n")
        tail = rest[newline + 1:] if newline >= 0 else ""
        trailing = rest[:newline] if newline >= 0 else rest   # e.g. a comment after []
        keep_comment = re.sub(r"^\s*", " ", trailing) if trailing.strip().startswith("#") else ""
        return (text[:start].rstrip(" ") + keep_comment + "\n" + "".join(render_study(s, 2) for s in studies)
                + tail)
    first = node.value[0]
    line_start = _line_start(text, first.start_mark.index)
    dash = text.find("-", line_start, first.start_mark.index)
    indent = (dash - line_start) if dash >= 0 else max(first.start_mark.column - 2, 0)
    last = node.value[-1]
    # Insert after the last item's last line (before any blank lines or comments that follow it).
    insert_at = last.end_mark.index
    if insert_at < len(text) and text[insert_at - 1:insert_at] != "\n":
        newline = text.find("\n", insert_at)
        insert_at = len(text) if newline < 0 else newline + 1
    head = text[:insert_at]
    if not head.endswith("\n"):
        head += "\n"
    # Blank lines and comments PyYAML counted into the last item stay after the new items? Keep simple:
    return head + "".join(render_study(s, indent) for s in studies) + text[insert_at:]


def _block_item_lines(text: str, sequence: yaml.SequenceNode, index: int) -> tuple[int, int]:
    """Character range [start, end) of whole lines holding item `index` of a block list,
    from the line of its dash to the line before the next item (or the end of its last line)."""
    item = sequence.value[index]
    start = _line_start(text, item.start_mark.index)
    if index + 1 < len(sequence.value):
        end = _line_start(text, sequence.value[index + 1].start_mark.index)
    else:
        end = item.end_mark.index
        if end < len(text) and text[end - 1:end] != "\n":
            newline = text.find("\n", end)
            end = len(text) if newline < 0 else newline + 1
    return start, end


def remove_series(text: str, study_index: int, series_index: int) -> str:
    """`text` without series `series_index` of study `study_index` (and without the study when it
    was its only series); everything else, comments included, stays as it was."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        raise CaseFileError("case.yml is not valid YAML; fix it first") from None
    studies = next((value for key, value in getattr(root, "value", []) if getattr(key, "value", None) == "studies"),
                   None) if isinstance(root, yaml.MappingNode) else None
    if not isinstance(studies, yaml.SequenceNode) or study_index >= len(studies.value):
        raise CaseFileError("case.yml has no such study")
    study = studies.value[study_index]
    series = next((value for key, value in study.value if getattr(key, "value", None) == "series"), None) \
        if isinstance(study, yaml.MappingNode) else None
    if not isinstance(series, yaml.SequenceNode) or series_index >= len(series.value):
        raise CaseFileError("case.yml has no such series")
    if studies.flow_style or series.flow_style:
        raise CaseFileError("the studies or series are written in square brackets; remove the entry from "
                            "case.yml by hand")
    if len(series.value) > 1:
        start, end = _block_item_lines(text, series, series_index)
    elif len(studies.value) > 1:
        start, end = _block_item_lines(text, studies, study_index)
    else:
        raise CaseFileError("this is the case's only series; take down the whole case instead")
    return text[:start] + text[end:]


def remove_series_entries(text: str, entries: list[tuple[int, int]]) -> str:
    """`text` without these (study, series) entries; a study left without series goes too."""
    for study_index, series_index in sorted(set(entries), reverse=True):
        text = remove_series(text, study_index, series_index)
    return text
