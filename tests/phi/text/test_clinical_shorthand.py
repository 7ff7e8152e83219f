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
    # one or two words before a device word name the device
    "Tolerated Quillon-Marsh valve for 2 hrs; Talbot pacer on standby.",
    "Drawn from the Harwick cath; Penrose drain intact.",
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


@pytest.mark.parametrize("text,word", [
    # a drug or medical word cut short is shorthand, not a surname, without a cue
    ("Remains on Amio, Levo, Vasopressin. BP labile.", "Levo"),
    ("Restarted Dilt at 5 mg, titrated up", "Dilt"),
    ("cont on Vanco, Zosyn", "Vanco"),
    ("weaned Fent overnight and decreased Versed", "Fent"),
])
def test_clipped_drug_names_are_no_names(text, word):
    assert not any(word in value for value, category in _found(text) if category == Category.NAME), _found(text)


def test_clipped_drug_name_after_a_title_is_a_name():
    """The same word after a title is someone's name."""
    assert ("Vanco", Category.NAME) in _found("Dr. Vanco aware of the change")


@pytest.mark.parametrize("text,needle", [
    ("PLAN FOR US GUIDED DRAIN...MARK BELLAVISTA (RESIDENT) ARRANGING.", "MARK BELLAVISTA"),
    ("Plan discussed... Ines Varkonyi, attending, aware.", "Ines Varkonyi"),
    ("K REPLETED. JOHN FARRELLI (RN) AWARE", "JOHN FARRELLI"),
])
def test_role_after_a_name(text, needle):
    """A role or credential set off after name-like words, in brackets or between commas."""
    assert any(value == needle and category == Category.NAME for value, category in _found(text)), _found(text)


@pytest.mark.parametrize("text", [
    "COAG: INITIALLY ON 1800 UNITS IV HEPARIN- PTT 150",   # "ON" is no Ontario before a unit count
    "SOB WHILE FLAT. 100%NRB ON",                          # a percentage is no flat number
    "Na Bicarb. improved to 7.35/30/104",                  # nor the whole part of a decimal
    "IN 2000 UNITS OF INSULIN",                            # a US state code wants five digits
])
def test_numbers_that_are_no_postal_codes_or_house_numbers(text):
    assert not {value for value, category in _found(text) if category == Category.ADDRESS}, _found(text)


@pytest.mark.parametrize("text,needle", [
    ("Portland, OR 97201-1234", "97201-1234"),
    ("Kelmscott WA 6111", "6111"),
    ("Ottawa, ON K1A 0B1", "K1A 0B1"),
    ("lives at Flat 12, 4 Orchard Road", "Flat 12"),
])
def test_postal_codes_in_the_shape_of_their_country(text, needle):
    assert (needle, Category.ADDRESS) in _found(text), _found(text)


@pytest.mark.parametrize("text", [
    "keep MAP over 65 and call H.O. if lower",      # house officer
    "SEEN BY P.T. FOR EXERCISES IN BED",             # physical therapy
    "nebs given by R.T. with some relief",           # respiratory therapist
])
def test_dotted_jobs_are_no_initials(text):
    assert not {value for value, category in _found(text) if category == Category.INITIALS}, _found(text)


def test_dotted_initials_after_a_cue_still_found():
    assert ("J.S.", Category.INITIALS) in _found("Report dictated by J.S. today")


def test_a_title_still_makes_a_name_before_a_device_word():
    assert any(v == "Talbot" for v, c in _found("Dr. Talbot pacer check done") if c == Category.NAME)
