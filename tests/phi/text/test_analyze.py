import gzip
import time

import pytest

from site_gen.phi.finding import Category, Span
from site_gen.phi.text import analyze
from site_gen.phi.text.build_name_data import build
from site_gen.phi.text.registry import merge, recognizers


def test_spans_sorted_merged_and_within_text():
    text = "Mr. John Smith (MRN 12345678) was seen at Calvert Hospital on 3/4/2019; call 410-555-1234."
    spans = analyze(text)
    assert spans == sorted(spans, key=lambda s: (s.start, s.end))
    for a, b in zip(spans, spans[1:]):
        assert a.end <= b.start
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    categories = {s.category for s in spans}
    assert {Category.NAME, Category.ID_NUMBER, Category.INSTITUTION, Category.DATE, Category.PHONE} <= categories


def test_merge_takes_union_and_strongest_category():
    spans = [Span(0, 5, Category.NAME, "a", 0.5), Span(3, 9, Category.INSTITUTION, "b", 0.9), Span(20, 22, Category.DATE, "c")]
    merged = merge(spans)
    assert merged == [Span(0, 9, Category.INSTITUTION, "b", 0.9), Span(20, 22, Category.DATE, "c", 1.0)]


def test_empty_and_blank_text():
    assert analyze("") == [] and analyze("   \n") == []


def test_every_recognizer_shares_the_interface():
    for recognizer in recognizers():
        assert recognizer.name and isinstance(recognizer.category, Category)
        assert list(recognizer.find("")) == []


def test_offsets_map_to_original_after_normalisation():
    text = "\u200bCall ０２０ ７９４６ ００００ and see Dr. Wаlsh."
    for span in analyze(text):
        assert text[span.start:span.end].strip() == text[span.start:span.end]
    names = [text[s.start:s.end] for s in analyze(text) if s.category == Category.NAME]
    assert names == ["Wаlsh"]


ADVERSARIAL = {
    # shapes that made recognizers quadratic: names and lists on one long line, hyphen chains,
    # spaced-out digits, long blank runs, initials
    "names on one line": "Seen by Dr Anselm Okafor and wife Hedda Lindqvist, son Teo called 301-555-0148. ",
    "hyphen chain": "son-Teo-dtr-Mira-",
    "spaced digits": "1 ",
    "initials": "A. ",
    "slashes": "1/2/",
    "blanks": "a" + " " * 50,
}


@pytest.mark.parametrize("unit", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_time_grows_linearly_with_text_length(unit):
    """Four times the text may take about four times as long, not sixteen (a quadratic recognizer
    let one 1 MB file hang the hook).  Best of three runs each, to ride out a busy machine."""
    analyze("warm up")
    small, large = unit * (20000 // len(unit)), unit * (80000 // len(unit))

    def best(text):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            analyze(text)
            times.append(time.perf_counter() - t0)
        return min(times)

    ratio = best(large) / max(best(small), 1e-4)
    assert ratio < 10, f"4x the text took {ratio:.1f}x the time"


def test_build_name_data_from_tiny_fixture(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "first-names-ssa.csv").write_text("first_name,sex,max_births_in_a_year,year\nMary,F,70000,1921\nBill,M,600,1950\n")
    (src / "surnames-census-2010.csv").write_text("last_name,count\nSMITH,2442977\nBaker,400000\n")
    words = tmp_path / "words.txt"
    words.write_text("bill\nbaker\nBaker\nmass\n")
    n_names, n_words = build(src, [words], tmp_path / "out")
    assert (n_names, n_words) == (4, 3)
    rows = gzip.open(tmp_path / "out" / "names.tsv.gz", "rt").read().splitlines()[1:]
    table = {r.split("\t")[0]: r.split("\t")[1:] for r in rows}
    assert table["smith"][0] == "0" and int(table["smith"][1]) > 15 and table["smith"][2] == "0"
    assert table["bill"][2] == "1" and table["baker"][2] == "1"


def test_every_finding_says_why_without_quoting_the_value():
    text = ("Seen by Dr. Ilse Vandermeer on 12\u201303\u20132019; wife Oona (tel 0 2 0  7 9 4 6  0 9 5 8) "
            "lives at 14 Larkspur Road. MRN: 88231907. oona.v@example.org")
    spans = analyze(text)
    assert {s.category for s in spans} >= {Category.NAME, Category.DATE, Category.PHONE, Category.ADDRESS,
                                            Category.ID_NUMBER, Category.EMAIL}
    for s in spans:
        assert s.why, s
        assert text[s.start:s.end] not in s.why


def test_textfile_findings_carry_why(tmp_path):
    from site_gen.phi.textfile import scan_text

    findings = scan_text("History: seen by Dr Ilse Vandermeer.\n", "case.md")
    assert findings and all(f.why for f in findings)
