"""Clinical shorthand that looks like an address, a DICOM name or nothing at all to the rules
(invented notes): the rule recognizers alone, without the model."""
import pytest

from site_gen.phi.finding import Category
from site_gen.phi.text.registry import run_all


def _found(text):
    return {(text[s.start:s.end], s.category) for s in run_all(text)}


@pytest.mark.parametrize("text", [
    # an ALL-CAPS rhythm and a stress test end in "ST" (sinus tachycardia, ST segment): no street,
    # and the lines of findings around them (percentages, decimals) are no address block
    "NURSING NOTE\nCARDIAC: HR 92-108 NSR ST WITH RARE PVC.\nLAD PROX 70% STENOSIS.\nT 99.6 R.\n",
    "ADMITTED TO CCU. 4/2 ADENOSINE THALLIUM ST-NONSPECIFIC CHANGES.\nEF 45%.\n",
    # a caret in shorthand means "up", not FAMILY^GIVEN
    "bp^'ing after the bolus, gi-^gastric output noted",
])
def test_clinical_shorthand_is_no_identifier(text):
    assert not {value for value, category in _found(text)
                if category in (Category.ADDRESS, Category.NAME)}, _found(text)


@pytest.mark.parametrize("text,needle", [
    ("PT LIVES AT\n118 WALNUT ST\nGRANTHAM 03753\n", "118 WALNUT ST"),   # a street in a CAPS note stays
    ("Contact: Imre Halloran\n7 Larchmont Road\nFenwick\n", "7 Larchmont Road"),
])
def test_addresses_still_found(text, needle):
    assert any(value == needle for value, _ in _found(text)), _found(text)


def test_dicom_person_names_still_found():
    assert ("KOVAC^ILSE^M", Category.NAME) in _found("Patient KOVAC^ILSE^M, series 2")
    assert ("O'DARE^JO", Category.NAME) in _found("name O'DARE^JO")


def test_month_and_year_glued_to_the_word_before():
    """"fx4/98": a month and a year written against the abbreviation of the event."""
    assert ("4/98", Category.DATE) in _found("s/p hip fx4/98, arm fx 6/99")
    assert not any(c == Category.DATE for _, c in _found("sat RA4/96% on arrival"))
