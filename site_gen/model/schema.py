"""JSON Schema validation with messages a radiologist understands.

The schemas in site_gen/data/ are the published format (editors autocomplete from them
through the yaml-language-server comment in each file); here each jsonschema error is
turned into one plain-words problem at the line and column of the offending field.
Values are quoted only when they cannot hold patient information (site_gen.model.quoting);
words people use for the controlled values and field names come from data/synonyms.yml.
"""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import jsonschema
import yaml

from .problems import Problem
from .quoting import shown
from .yamlsource import YamlDocument

CASE_SCHEMA = "case.schema.json"
USER_SCHEMA = "user.schema.json"

_TYPE_WORDS = {
    "string": "text", "integer": "a whole number", "number": "a number", "array": "a list",
    "object": "a section with named fields", "boolean": "true or false", "null": "empty",
}


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    return json.loads(resources.files("site_gen.data").joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def vocabulary(name: str) -> dict[str, str]:
    """Controlled values of a $defs vocabulary in the case schema, mapped to display labels."""
    definition = load_schema(CASE_SCHEMA)["$defs"][name]
    labels = definition.get("x-labels", {})
    return {value: labels.get(value, value) for value in definition["enum"]}


def validate(doc: YamlDocument, schema_name: str) -> list[Problem]:
    if doc.data is None:
        return [Problem(doc.path, 1, 1, "this file is empty")]
    problems = []
    for error in _validator(schema_name).iter_errors(doc.data):
        problems.extend(_explain(error, doc, schema_name))
    return problems


_SINGULAR = {"studies": "study", "series": "series", "references": "reference", "authors": "author",
             "differential": "differential diagnosis", "teaching_points": "teaching point",
             "systems": "system", "tags": "tag", "key_images": "key image", "confirmed_by": "confirmation"}


def _field_name(location: tuple) -> str:
    """('studies', 1, 'series', 0, 'caption') -> "'caption' (study 2, series 1)"."""
    name, numbered = _field_parts(location)
    if name is None:
        return ", ".join(numbered) if numbered else "the file"
    return f"'{name}'" + (f" ({', '.join(numbered)})" if numbered else "")


def _field_parts(location: tuple) -> tuple[str | None, list[str]]:
    numbered = [f"{_SINGULAR.get(location[i - 1], location[i - 1])} {part + 1}"
                for i, part in enumerate(location) if isinstance(part, int) and i > 0]
    if not location or isinstance(location[-1], int):
        return None, numbered
    return str(location[-1]).replace("_", " "), numbered


def _where(location: tuple) -> str:
    """" in 'window' (study 1, series 1)" — never a stray quote; empty at the top of the file."""
    return f" in {_field_name(location)}" if location else ""


def _described(schema: dict) -> str:
    return f" — {schema['description']}" if schema.get("description") else ""


# -- synonyms and known names (site_gen/data/synonyms.yml) -----------------------------------

def _normal(text: str) -> str:
    return " ".join(str(text).lower().replace("_", " ").replace("-", " ").split())


@lru_cache(maxsize=1)
def _synonyms() -> dict:
    data = yaml.safe_load(resources.files("site_gen.data").joinpath("synonyms.yml").read_text(encoding="utf-8"))
    values = {field: {_normal(k): (v if isinstance(v, list) else [v]) for k, v in table.items()}
              for field, table in data["values"].items()}
    fields = {section: {_normal(k): v for k, v in table.items()} for section, table in data["fields"].items()}
    return {"values": values, "fields": fields}


@lru_cache(maxsize=None)
def known_field_names() -> frozenset[str]:
    """Every field name of the published formats (a closed vocabulary: safe to quote)."""
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    for name in (CASE_SCHEMA, USER_SCHEMA, "collection.schema.json"):
        walk(load_schema(name))
    return frozenset(names)


def _section(location: tuple, schema_name: str) -> str:
    names = [part for part in location if isinstance(part, str)]
    if not names:
        return "(case)" if schema_name == CASE_SCHEMA else "(file)"
    last = names[-1]
    return _SINGULAR.get(last, last) if isinstance(location[-1], int) else last


def field_synonym(key: str, location: tuple, schema_name: str) -> str | None:
    fields = _synonyms()["fields"]
    wanted = _normal(key)
    return fields.get(_section(location, schema_name), {}).get(wanted) or fields["*"].get(wanted)


def suggestions(value: str, options: list[str], field: str | None) -> list[str]:
    """Allowed values a contributor probably meant: the synonym table first, then the same
    value in another case or spelling, a unique prefix, then a close spelling."""
    wanted = _normal(value)
    table = _synonyms()["values"].get(field or "", {})
    if wanted in table:
        return [option for option in table[wanted] if option in options]
    by_normal = {_normal(option): option for option in options}
    if wanted in by_normal:
        return [by_normal[wanted]]
    prefixed = [option for normal, option in by_normal.items() if wanted and len(wanted) >= 3 and normal.startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed
    close = difflib.get_close_matches(wanted, list(by_normal), n=1, cutoff=0.75)
    return [by_normal[close[0]]] if close else []


def _explain(error: jsonschema.ValidationError, doc: YamlDocument, schema_name: str = CASE_SCHEMA,
             outer: dict | None = None) -> Iterator[Problem]:
    """Problems for one jsonschema error; `outer` is the field's schema when the error comes
    from one of its alternatives (its description says what forms are accepted)."""
    location = tuple(error.absolute_path)
    field = _field_name(location)
    kind = error.validator
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    if outer and not schema.get("description"):
        schema = dict(schema, description=outer.get("description", ""))
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.message)
        instance = error.instance if isinstance(error.instance, dict) else {}
        if any(field_synonym(key, location, schema_name) == missing for key in instance):
            return  # written under another name: the unknown-field message explains it
        yield doc.problem(location, f"'{missing.replace('_', ' ')}' is missing{_where(location)}"
                          + _described(schema.get("properties", {}).get(missing, {})))
    elif kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in error.instance:
            if key in allowed:
                continue
            yield doc.problem(location + (key,), _unknown_field(str(key), error.instance[key], allowed, location,
                                                               schema_name), key=True)
    elif kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        yield doc.problem(location, f"{field} should be {words}, not {_kind_of(error.instance)}")
    elif kind == "enum":
        options = [str(option) for option in error.validator_value]
        name = next((part for part in reversed(location) if isinstance(part, str)), None)
        given = shown(error.instance, known=options) if isinstance(error.instance, str) else _kind_of(error.instance)
        near = suggestions(error.instance, options, name) if isinstance(error.instance, str) else []
        suggestion = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        listed = ", ".join(options) if len(options) <= 25 else ", ".join(options[:25]) + ", ..."
        yield doc.problem(location, f"{given} is not an allowed value for {field}{suggestion} Allowed: {listed}"
                          if near else f"{given} is not an allowed value for {field}; allowed: {listed}")
    elif kind == "pattern":
        yield doc.problem(location, f"{field} is not written in the expected form{_described(schema)}")
    elif kind in ("minLength", "minItems"):
        what = "is too short" if kind == "minLength" else "needs at least %d entr%s" % (
            error.validator_value, "y" if error.validator_value == 1 else "ies")
        yield doc.problem(location, f"{field} {what}{_described(schema)}")
    elif kind in ("maxLength", "maxItems"):
        yield doc.problem(location, f"{field} is too long (at most {error.validator_value} "
                          f"{'characters' if kind == 'maxLength' else 'entries'})")
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
                 "exclusiveMaximum": "less than"}[kind]
        yield doc.problem(location, f"{field} must be {bound} {error.validator_value}")
    elif kind == "uniqueItems":
        yield doc.problem(location, f"{field} lists the same entry more than once")
    elif kind in ("oneOf", "anyOf"):
        branch = _branch_of_same_type(error)
        if branch:  # e.g. a window written as fields: explain what is wrong with the fields
            for sub in branch:
                yield from _explain(sub, doc, schema_name, outer=schema)
            return
        # The field's own description says what forms are accepted (e.g. patient age).
        described = schema.get("description") or _parent_description(error)
        yield doc.problem(location, f"{field} is not in an accepted form" + (f" — {described}" if described else ""))
    else:
        yield doc.problem(location, f"{field}: {kind} check failed")


def _unknown_field(key: str, value: Any, allowed: list[str], location: tuple, schema_name: str) -> str:
    quoted = shown(key, known=known_field_names())
    meant = field_synonym(key, location, schema_name)
    if meant in allowed:
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        example = f" (e.g. '{meant}: {value:g}')" if numeric else ""
        return f"{quoted} is called '{meant}' here: write '{meant}' instead{example}"
    hint = difflib.get_close_matches(_normal(key), [_normal(a) for a in allowed], n=1, cutoff=0.7)
    if hint:
        return f"unknown field {quoted}; did you mean '{allowed[[_normal(a) for a in allowed].index(hint[0])]}'?"
    return f"unknown field {quoted}; known fields here: {', '.join(allowed)}"


def _branch_of_same_type(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """The errors of the one alternative whose type matches the value, if exactly one does."""
    alternatives = error.validator_value if isinstance(error.validator_value, list) else []
    matching = [index for index, branch in enumerate(alternatives)
                if isinstance(branch, dict) and branch.get("type") and _is_type(error.instance, branch["type"])]
    if len(matching) != 1:
        return []
    return [sub for sub in error.context or [] if sub.relative_schema_path and sub.relative_schema_path[0] == matching[0]]


def _is_type(value: Any, kind: str | list) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    checks = {"object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
              "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "null": lambda v: v is None}
    return any(checks.get(k, lambda v: False)(value) for k in kinds)


def _parent_description(error: jsonschema.ValidationError) -> str:
    for sub in error.context or []:
        if isinstance(sub.schema, dict) and sub.schema.get("description"):
            return sub.schema["description"]
    return ""


def _kind_of(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a section with fields"
    return type(value).__name__
