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
