"""Names in context, places from the gazetteer, phone/IBAN/address shapes, organisation names.

Small invented fixtures; each positive names the part that must be flagged, each negative the
part that must stay clean.
"""
import gzip
import json

import pytest

from site_gen.phi.finding import Category
from site_gen.phi.text import analyze
from site_gen.phi.text.build_place_data import build as build_places

POSITIVE = [
    # a label, a first name next to a surname, file-name shapes
    ("Patient: John Smith, MRN 12345678.", "John Smith", Category.NAME),
    ("Smith John CT", "Smith John", Category.NAME),
    ("Jones Mary MRI", "Jones Mary", Category.NAME),
    # a title makes any word a name, also in CAPS notes and without a space
    ("PLAN DISCUSSED WITH DR TYRO THIS AM.", "TYRO", Category.NAME),
    ("Seen by Dr.Lark overnight.", "Lark", Category.NAME),
    ("Wife spoke with Dr. Foley about the plan.", "Foley", Category.NAME),
    # lists after a title or relation word
    ("K REPLACED. DRS HALVORSEN AND QUIMBY AWARE.", "QUIMBY", Category.NAME),
    ("Daughters Maisie, Oriel and Tamsin visited.", "Tamsin", Category.NAME),
    # job words before a name, a dotted initial before a surname
    ("Discussed with caseworker Oriana Bexley today.", "Oriana", Category.NAME),
    ("INR 3.1 THIS AM. K. DUNMORE AWARE.", "DUNMORE", Category.NAME),
    ("She named him Percival.", "Percival", Category.NAME),
    # towns from the gazetteer after a place cue, in cased, CAPS and lower-case notes
    ("Her son drove over from Tewkesbury this morning.", "Tewkesbury", Category.ADDRESS),
    ("SON IN FROSTBURG WAS CALLED AT 2 AM.", "FROSTBURG", Category.ADDRESS),
    ("daughter returned to new haven today, will call tonight about the plan.", "new haven", Category.ADDRESS),
    ("The clinic in Kalamazoo, Michigan sent films.", "Kalamazoo", Category.ADDRESS),
    # street shapes seen in international addresses
    ("He lives at 412 Bergliveien 7, near the port.", "412 Bergliveien 7", Category.ADDRESS),
    ("Meet me at 5520 Ostrava 14 tomorrow.", "5520 Ostrava 14", Category.ADDRESS),
    ("Send it to 88 Via Tornabuoni 3 please.", "Via Tornabuoni 3", Category.ADDRESS),
    ("Postal code: Norway 4021", "4021", Category.ADDRESS),
    # an address block: the town and the code on the lines after the street
    ("Mira Holt\n17 Kestrel Road\nApt. 4\nWINTERFOLD\nNorway 4021", "WINTERFOLD", Category.ADDRESS),
    # phone shapes
    ("They can be reached at 71-44-52-18 after six.", "71-44-52-18", Category.PHONE),
    ("Call me on 8821 4410 tomorrow.", "8821 4410", Category.PHONE),
    ("Wife, Ann (201/555/0142) confirms.", "201/555/0142", Category.PHONE),
    ("Pager: #48213", "48213", Category.PHONE),
    ("grandson visited (301 555 40121) today", "301 555 40121", Category.PHONE),
    ("CELL-410 555-0199 & HOME", "410 555-0199", Category.PHONE),
    # IBAN followed by a word (the optional spaces must not swallow it)
    ("Please move it from GB82WEST12345698765432 to savings.", "GB82WEST12345698765432", Category.ID_NUMBER),
]


@pytest.mark.parametrize("text,needle,category", POSITIVE, ids=[p[2].value + ":" + p[1] for p in POSITIVE])
def test_detects(found, text, needle, category):
    assert found(text, needle), f"missed {needle!r}"
    assert found(text, needle, category) or category in (Category.NAME, Category.ADDRESS), \
        f"{needle!r} found with another category"


def test_place_after_cue_has_address_category():
    text = "He moved back to Hagerstown last year."
    spans = [s for s in analyze(text) if text[s.start:s.end] == "Hagerstown"]
    assert spans and spans[0].category == Category.ADDRESS


NEGATIVE = [
    # organisations, journals, models and sequences in radiology teaching text
    ("The British Thoracic Society guideline defines a large pneumothorax.", "British"),
    ("Risk calculators such as the Brock (PanCan) model combine these factors.", "Brock"),
    ("A statement from the Fleischner Society. Radiology. 2017;285(2):584-600.", "Fleischner Society"),
    ("Practice guidelines for bone scans. Eur J Nucl Med Mol Imaging. 2016;43:1723.", "Mol Imaging"),
    ("an update from the European Association of Cardiovascular Imaging.", "Cardiovascular Imaging"),
    ("Liver MRI combines T2-weighted imaging and diffusion.", "T2-weighted imaging"),
    ("Rao S. Imaging of liver metastases. Cancer Imaging. 2007;7:2-9.", "Imaging of liver"),
    ("Imaging of liver metastases: MRI. Cancer Imaging. 2007;7:2-9.", "Cancer Imaging"),
    # CAPS and lower-case clinical shorthand is no address
    ("O2 VIA FM. SATS UPPER 90S.", "VIA FM"),
    ("HR 90-110 SR TO ST WITH PACS.", "SR TO ST"),
    ("GIVEN 20 MEQ KCL VIA NGT.", "KCL VIA"),
    ("RUE DVT WAS THERAPEUTIC ON 600U/HR OF HEPARIN.", "RUE DVT"),
    ("Placed in Trendelenburg position; remains in A-fib.", "Trendelenburg"),
    ("Improvement in BPs and in TV's overnight.", "BPs"),
    # weak cue + an ordinary capitalised word, mental status "MS", role words + verbs
    ("SKIN: MS INCISION WITH DSD.", "INCISION"),
    ("HO made aware. NP cough noted.", "made"),
    # number lists that are not phone numbers
    ("Levels 10 12 14 16 were imaged in 2019 2020.", "10 12 14 16"),
    ("Disc bulges at C5 6 7 and T10 11 12.", "T10 11 12"),
    ("Lesion 12 x 8 mm at 120 kVp.", "12 x 8"),
]


@pytest.mark.parametrize("text,needle", NEGATIVE, ids=[n[1] for n in NEGATIVE])
def test_does_not_flag(found, text, needle):
    assert not found(text, needle)


SERIES_FOLDERS = ["ct day 0", "mr t1 post contrast", "echo a4c", "0001", "T2 axial FS", "Brain MRI Series 3",
                  "Chest PA Lateral", "Liver Arterial Phase", "Dwi b800", "Cine Short Axis", "Case 12 Figure 3",
                  "axial T1 fat sat post gad", "cxr day 14", "Left Hand PA", "Sag STIR", "Coronal MIP"]


@pytest.mark.parametrize("name", SERIES_FOLDERS)
def test_series_folder_names_stay_clean(name):
    assert analyze(name) == []


def test_build_place_data_from_tiny_fixture(tmp_path):
    cities = {
        "1": {"name": "Quellbrook", "alternatenames": []},
        "2": {"name": "Normal", "alternatenames": []},       # an English word: left out
        "3": {"name": "Texas", "alternatenames": []},        # a state (allowed): left out
        "4": {"name": "Little Ferring", "alternatenames": []},  # several words: kept
        "5": {"name": "Seinäjoki", "alternatenames": []},     # kept, plus an ASCII form
    }
    (tmp_path / "cities1000.json").write_text(json.dumps(cities), encoding="utf-8")
    (tmp_path / "us_counties.json").write_text(json.dumps([{"name": "Kalkaska County"}]), encoding="utf-8")
    count = build_places(tmp_path, tmp_path / "out")
    rows = gzip.open(tmp_path / "out" / "places.txt.gz", "rt", encoding="utf-8").read().splitlines()[1:]
    assert rows == sorted(rows) and count == len(rows)
    assert set(rows) == {"quellbrook", "little ferring", "seinäjoki", "seinajoki", "kalkaska"}


def test_first_degree_block_is_no_street_to_the_rules():
    """"1 ST DEGREE AV": a number, "ST" and "AV" look like a street to a street pattern."""
    from site_gen.phi.text.registry import run_all
    text = "BASELINE 1 ST DEGREE AV BLOCK."
    assert not [s for s in run_all(text) if s.category == Category.ADDRESS]


@pytest.mark.xfail(strict=True, reason="known false alarm of the shipped model: it reads 'degree AV block' as a "
                   "place; a filter for address spans made of clinical words cost 8 clinicians' names in "
                   "cross-validation, so it is not shipped (issue 11 closing note)")
def test_first_degree_block_is_no_place_to_the_model(found):
    assert not found("BASELINE 1 ST DEGREE AV BLOCK.", "DEGREE AV BLOCK")
