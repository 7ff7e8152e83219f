import pytest

from site_gen.phi.finding import Category
from site_gen.phi.text import analyze
from site_gen.phi.text.normalize import normalize


def test_ascii_fast_path_keeps_text():
    folded = normalize("plain text")
    assert folded.text == "plain text" and folded.origin is None
    assert folded.to_original(0, 5) == (0, 5)


def test_zero_width_and_soft_hyphen_removed_with_offsets():
    text = "Mr Jo\u200dhn Sm\u00adith"
    folded = normalize(text)
    assert folded.text == "Mr John Smith"
    start, end = folded.to_original(3, 13)
    assert text[start:end] == "Jo\u200dhn Sm\u00adith"


def test_full_width_digits_and_homoglyphs():
    folded = normalize("０２０ Jаne")  # full-width digits, Cyrillic 'а'
    assert folded.text == "020 Jane"


def test_combining_accent_stays_with_its_letter():
    text = "Jose\u0301 X"
    folded = normalize(text)
    assert folded.text == "José X"
    assert folded.to_original(0, 4) == (0, 5)


def test_zero_width_joiner_inside_name_is_detected_with_original_offsets():
    text = "Seen by Dr. Ra\u200dkusin today."
    spans = [s for s in analyze(text) if s.category == Category.NAME]
    assert spans, "name hidden by a zero-width joiner was missed"
    assert text[spans[0].start:spans[0].end] == "Ra\u200dkusin"


def test_full_width_phone_number_is_detected():
    text = "Call her on ４１０-５５５-１２３４ tonight."
    spans = [s for s in analyze(text) if s.category == Category.PHONE]
    assert spans and text[spans[0].start:spans[0].end] == "４１０-５５５-１２３４"


def test_cyrillic_letter_inside_name_is_detected():
    text = "Her daughter Mаrgaret visited."  # Cyrillic 'а'
    spans = [s for s in analyze(text) if s.category == Category.NAME]
    assert spans and text[spans[0].start:spans[0].end] == "Mаrgaret"


DASHED = [
    # word processors' dashes and hyphens inside dates and phone numbers (issue: they slipped through)
    ("Admitted 14\u201303\u20132031 after a fall.", "14\u201303\u20132031", Category.DATE),      # en dash
    ("Admitted 14\u201003\u20102031 after a fall.", "14\u201003\u20102031", Category.DATE),      # U+2010 hyphen
    ("Admitted 2031\u201103\u201114 after a fall.", "2031\u201103\u201114", Category.DATE),     # non-breaking hyphen
    ("Seen 3\u20124\u20122031 in clinic.", "3\u20124\u20122031", Category.DATE),                # figure dash
    ("Seen 3\u22124\u22122031 in clinic.", "3\u22124\u22122031", Category.DATE),                # minus sign
    ("Seen 3\u20444\u20442031 in clinic.", "3\u20444\u20442031", Category.DATE),                # fraction slash
    ("Call 301\u2013555\u20130142 tonight.", "301\u2013555\u20130142", Category.PHONE),
    ("Call 301\u2014555\u20140142 tonight.", "301\u2014555\u20140142", Category.PHONE),         # em dash
    ("Call (301)\u00a0555\u20110142 tonight.", "555\u20110142", Category.PHONE),                # no-break space
    ("Tel \uff10\uff12\uff10 \uff17\uff19\uff14\uff16 \uff10\uff19\uff15\uff18", "\uff17\uff19\uff14\uff16", Category.PHONE),  # full-width digits
    # spaced-out digits
    ("DOB 1 4 / 0 3 / 2 0 3 1 on file.", "1 4 / 0 3 / 2 0 3 1", Category.DATE),
    ("DOB 1 4 - 0 3 - 2 0 3 1 on file.", "1 4 - 0 3 - 2 0 3 1", Category.DATE),
    ("Call 0 2 0  7 9 4 6  0 9 5 8 for results.", "0 2 0  7 9 4 6  0 9 5 8", Category.PHONE),
    ("Call 3 0 1 - 5 5 5 - 0 1 4 2 for results.", "3 0 1 - 5 5 5 - 0 1 4 2", Category.PHONE),
]


@pytest.mark.parametrize("text,needle,category", DASHED, ids=[repr(d[1]) for d in DASHED])
def test_unicode_dashes_and_spaced_digits_are_found(text, needle, category):
    start = text.index(needle)
    end = start + len(needle)
    spans = [s for s in analyze(text) if s.start < end and start < s.end]
    assert spans and spans[0].category == category, (text, spans)
    assert spans[0].start <= start + 1 and spans[0].end >= end - 1  # offsets map back to the original


def test_spaced_digits_keep_offsets_and_leave_short_runs_alone():
    text = "ribs 4 5 6 intact; DOB 0 1 . 0 2 . 2 0 3 1"
    folded = normalize(text)
    assert "4 5 6" in folded.text and "01.02.2031" in folded.text
    start = folded.text.index("01.02.2031")
    a, b = folded.to_original(start, start + 10)
    assert text[a:b] == "0 1 . 0 2 . 2 0 3 1"


def test_long_blank_runs_are_cut_with_offsets_kept():
    text = "Dr Okafor" + " " * 5000 + "seen 3/4/2031"
    folded = normalize(text)
    assert len(folded.text) < 40
    spans = analyze(text)
    assert any(text[s.start:s.end] == "3/4/2031" for s in spans)


@pytest.mark.parametrize("text,needle,category", [
    ("Seen on ١٤/٠٢/٢٠٢٣ in clinic.", "١٤/٠٢/٢٠٢٣", Category.DATE),          # Arabic-Indic digits
    ("Scan of ۱۴/۰۲/۲۰۲۳ reviewed.", "۱۴/۰۲/۲۰۲۳", Category.DATE),             # Persian digits
    ("Call her on ०२० ७९४६ ०९५८ tonight.", "०२० ७९४६ ०९५८", Category.PHONE),   # Devanagari digits
])
def test_digits_of_every_script_are_read_as_digits(text, needle, category):
    assert normalize(needle).text.replace(" ", "").replace("/", "").isdigit()
    spans = [s for s in analyze(text) if s.category == category]
    assert spans and text[spans[0].start:spans[0].end] == needle
