import re

import jsonschema
import pytest

from site_gen.model import schema
from tests.conftest import REPO_ROOT


@pytest.mark.parametrize("name", [schema.CASE_SCHEMA, schema.USER_SCHEMA])
def test_published_schemas_are_valid_json_schema(name):
    document = schema.load_schema(name)
    jsonschema.validators.validator_for(document).check_schema(document)


@pytest.mark.parametrize("vocabulary", ["system", "modality", "licence"])
def test_every_controlled_value_has_a_label(vocabulary):
    definition = schema.load_schema(schema.CASE_SCHEMA)["$defs"][vocabulary]
    assert set(definition["x-labels"]) == set(definition["enum"])


def test_systems_vocabulary_is_about_twenty_like_radiopaedia():
    systems = schema.vocabulary("system")
    assert 18 <= len(systems) <= 24
    assert {"chest", "neuroradiology", "musculoskeletal", "head-and-neck", "paediatrics"} <= set(systems)


def test_every_case_file_points_editors_at_the_schema():
    for case_file in sorted((REPO_ROOT / "cases").glob("*/case.yml")):
        first = case_file.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, case_file
        assert (case_file.parent / match.group(1)).resolve() == (REPO_ROOT / "site_gen/data/case.schema.json")


@pytest.mark.parametrize("timing, ok", [("day 0", True), ("day 12", True), ("3 months later", True),
                                        ("1 year earlier", True), ("2024-03-01", False),
                                        ("12 March", False), ("last Tuesday", False)])
def test_timing_is_relative_never_a_date(timing, ok):
    pattern = schema.load_schema(schema.CASE_SCHEMA)["$defs"]["study"]["properties"]["timing"]["pattern"]
    assert bool(re.search(pattern, timing)) is ok
