"""JSON Schema validation with messages a radiologist understands.

The schemas in site_gen/data/ are the published format (editors autocomplete from them
through the yaml-language-server comment in each file); here each jsonschema error is
turned into one plain-words problem at the line and column of the offending field.
Free-text values are never echoed back: they might hold patient information.
"""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import jsonschema

from .problems import Problem
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
        problems.extend(_explain(error, doc))
    return problems


_SINGULAR = {"studies": "study", "series": "series", "references": "reference", "authors": "author",
             "differential": "differential diagnosis", "teaching_points": "teaching point",
             "systems": "system", "tags": "tag", "key_images": "key image", "confirmed_by": "confirmation"}


def _field_name(location: tuple) -> str:
    """('studies', 1, 'series', 0, 'caption') -> "'caption' (study 2, series 1)"."""
    numbered = [f"{_SINGULAR.get(location[i - 1], location[i - 1])} {part + 1}"
                for i, part in enumerate(location) if isinstance(part, int) and i > 0]
    if not location:
        return "the file"
    if isinstance(location[-1], int):
        return ", ".join(numbered)
    name = str(location[-1]).replace("_", " ")
    return f"'{name}'" + (f" ({', '.join(numbered)})" if numbered else "")


def _described(schema: dict) -> str:
    return f" — {schema['description']}" if schema.get("description") else ""


def _explain(error: jsonschema.ValidationError, doc: YamlDocument) -> Iterator[Problem]:
    location = tuple(error.absolute_path)
    field = _field_name(location)
    kind = error.validator
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.message)
        yield doc.problem(location, f"'{missing.replace('_', ' ')}' is missing"
                          + ("" if not location else f" in {field.strip(chr(39))}")
                          + _described(schema.get("properties", {}).get(missing, {})))
    elif kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in error.instance:
            if key in allowed:
                continue
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; known fields here: {', '.join(allowed)}"
            yield doc.problem(location + (key,), f"unknown field '{key}'{suggestion}", key=True)
    elif kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        yield doc.problem(location, f"{field} should be {words}, not {_kind_of(error.instance)}")
    elif kind == "enum":
        options = [str(option) for option in error.validator_value]
        near = difflib.get_close_matches(str(error.instance), options, n=1) if isinstance(error.instance, str) else []
        suggestion = f" (did you mean '{near[0]}'?)" if near else ""
        listed = ", ".join(options) if len(options) <= 25 else ", ".join(options[:25]) + ", ..."
        yield doc.problem(location, f"{field} is not one of the allowed values{suggestion}; choose from: {listed}")
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
        # The field's own description says what forms are accepted (e.g. patient age).
        described = schema.get("description") or _parent_description(error)
        yield doc.problem(location, f"{field} is not in an accepted form" + (f" — {described}" if described else ""))
    else:
        yield doc.problem(location, f"{field}: {kind} check failed")


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
