"""Name shape (letter trigrams), drug names, relation/verb, ventilator settings, measurement ranges,
lists of names, vocatives and dialogue labels (small inline fixtures)."""
import pytest

from site_gen.phi.finding import Category
from site_gen.phi.text import analyze
from site_gen.phi.text.lexicon import drug_names
from site_gen.phi.text.nameness import nameness


def test_nameness_separates_foreign_names_from_clinical_words():
    for name in ("Quorvanek", "Zdeňková", "Tashkinovsky", "Hakubara"):
        for word in ("diuresing", "extubated", "levophed", "heparinized"):
            assert nameness(name) > nameness(word), (name, word)
    assert nameness("Quorvanek") > 0.3 > nameness("diuresing")


def test_drug_list_is_loaded_and_keeps_common_names_out():
    drugs = drug_names()
    assert {"zestril", "oxycontin", "ambisome"} <= drugs
    assert "kendrick" not in drugs  # a common name that is also a brand stays a name
    assert "heart" not in drugs     # English words are not repeated here


POSITIVE = [
    ("social: son Rob called twice today.", "Rob", Category.NAME),
    ("Quorvanek spent a year at the plant.", "Quorvanek", Category.NAME),
    ("my name is dragica and i need help", "dragica", Category.NAME),
    ("Branimir, can you call me back tomorrow?", "Branimir", Category.NAME),
    ("Olek: \"Where were you?\"\nMaria: At home all day.", "Olek", Category.NAME),
    ("Credit goes to Anna Kowalski, Thornbury and Reed for the design.", "Thornbury", Category.NAME),
    ("Credit goes to Anna Kowalski, Thornbury and Reed for the design.", "Reed", Category.NAME),
    ("Her IABP was d/c 7/26. Groin dry.", "7/26", Category.DATE),
    ("s/p pelvic fx, right arm fx 5/97, left hip ulcer", "5/97", Category.DATE),
    ("ADMITTED WITH SOB.\n9/10 PROCAN DCED AND AMIODARONE STARTED.", "9/10", Category.DATE),
    ("Culture drawn on 9/5, growing GNR.", "9/5", Category.DATE),
    ("Call 555-1234 after 5.", "555-1234", Category.PHONE),
    ("Reached her at 301-555-0163 today.", "301-555-0163", Category.PHONE),
    ("Dr. Afrin reviewed the film.", "Afrin", Category.NAME),
]

NEGATIVE = [
    ("Changed atenolol, cont on Zestril 40mg qd. No CP.", Category.NAME),
    ("Ambisome to be increased with next dose.", Category.NAME),
    ("(wife said he has tried several and all had same effect)", Category.NAME),
    ("SOCIAL: SON SEEMS UNABLE TO AGREE. WIFE STATES SHE IS TIRED.", Category.NAME),
    ("CCU TEAM AWARE. PLEASE ALSO SEE MD NOTES FOR DETAILS.", Category.NAME),
    ("BS 178 AT 3PM COVERED WITH 2U REG. SUCTIONED VIA L NARE.", Category.NAME),
    ("RESP: PSV increased to 10/5 overnight to rest pt.", Category.DATE),
    ("Placed on CPAP/PS 16/5/40% tolerating well.", Category.DATE),
    ("pt remained on 5/5, 40% till 4pm.", Category.DATE),
    ("SVR 954-1183; CO 4.6. TV IMPROVED TO 900-1000.", Category.PHONE),
    ("bs 146 at 1200, repeat at 1800 116 no coverage", Category.PHONE),
    ("PH 7.44-7.46 on the last gases.", Category.PHONE),
    ("PT TAKEN TO CATH LAB AT 9 PM.", Category.INSTITUTION),
    ("MAP 80-90 ON DOBUTA 5MCG/KG.", Category.INSTITUTION),
    ("RR-REG 14-22 BS CL. DENIES SOB.", Category.VEHICLE),
    ("The bus stops at 12 Fennick Avenue St. near the park.", Category.NAME),
]


@pytest.mark.parametrize("text,needle,category", POSITIVE)
def test_found(found, text, needle, category):
    assert found(text, needle, category), (text, needle)


@pytest.mark.parametrize("text,category", NEGATIVE)
def test_not_found(text, category):
    assert not [s for s in analyze(text) if s.category == category], text


def test_list_propagation_needs_a_confident_neighbour():
    # ordinary words listed after a drug are not names because of the list
    text = "receiving Vancomycin, Ceftaz, Flagyl overnight"
    assert not [s for s in analyze(text) if s.category == Category.NAME]
