"""The benchmark's scoring and folds, on a tiny invented corpus (no shared corpora needed)."""
from __future__ import annotations

import json

import pytest

from site_gen.bench import phi_text
from site_gen.phi.finding import Category, Span
from site_gen.phi.text.corpus import gold_is_required, read_corpora, split
from site_gen.phi.text.scoring import Score

NOTES = [
    # two notes of patient 1, one of patient 2 (PhysioNet-style labels)
    {"id": "n1", "patient": 1, "text": "Seen by Dr Oyelaran-Basse on 3/14 with wife Hedda.",
     "phi": [{"start": 11, "end": 26, "type": "HCPName"}, {"start": 30, "end": 34, "type": "Date"},
             {"start": 45, "end": 50, "type": "RelativeProxyName"}]},
    {"id": "n2", "patient": 1, "text": "Stable since 2087. Foley out.",
     "phi": [{"start": 13, "end": 17, "type": "DateYear"}]},
    {"id": "n3", "patient": 2, "text": "Call Quiztelli at 555-0142.",
     "phi": [{"start": 5, "end": 14, "type": "PTName"}, {"start": 18, "end": 26, "type": "Phone"}]},
]
SYNTH = [
    {"id": "s1", "text": "Zanele Okonkwo lives in Paris, age 42.",
     "phi": [{"start": 0, "end": 14, "type": "PERSON"}, {"start": 24, "end": 29, "type": "GPE"},
             {"start": 35, "end": 37, "type": "AGE"}]},
    {"id": "s2", "text": "He turned 97 on Tuesday.",
     "phi": [{"start": 10, "end": 12, "type": "AGE"}, {"start": 16, "end": 23, "type": "DATE_TIME"}]},
]
CLEAN = [{"id": "r1", "text": "No acute disease. XXXX fracture.", "ignore": [{"start": 18, "end": 22}]}]


@pytest.fixture
def corpus_dir(tmp_path):
    text = tmp_path / "text"
    text.mkdir()
    for name, rows in (("physionet-deid-dev", NOTES), ("presidio-synth-dev", SYNTH), ("iu-xray-reports-dev", CLEAN)):
        (text / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return tmp_path


def test_required_and_neutral_gold(corpus_dir):
    corpora = read_corpora(corpus_dir)
    notes = {d.id: d for d in corpora["physionet-deid-dev"]}
    assert [k for _, _, k in notes["n1"].required] == ["HCPName", "Date", "RelativeProxyName"]
    assert notes["n2"].required == [] and notes["n2"].neutral[0][2] == "DateYear"  # a year alone is allowed
    synth = {d.id: d for d in corpora["presidio-synth-dev"]}
    assert [k for _, _, k in synth["s1"].required] == ["PERSON"]  # GPE neutral, age 42 allowed
    assert [k for _, _, k in synth["s2"].required] == ["AGE"]  # 97 counts; a weekday alone does not
    assert gold_is_required("presidio-synth-dev", {"start": 0, "end": 4, "type": "DATE_TIME"}, "2091") is False


def test_folds_keep_a_patient_together(corpus_dir):
    notes = read_corpora(corpus_dir)["physionet-deid-dev"]
    by_id = {d.id: d for d in notes}
    assert by_id["n1"].fold(5) == by_id["n2"].fold(5)
    for k in range(5):
        train, held = split(notes, k, 5)
        assert not ({d.id for d in train} & {d.id for d in held})
        assert len(train) + len(held) == len(notes)


def test_score_counts_hits_misses_neutral_and_false_alarms(corpus_dir):
    corpora = read_corpora(corpus_dir)
    n1 = next(d for d in corpora["physionet-deid-dev"] if d.id == "n1")
    score = Score()
    spans = [Span(11, 20, Category.NAME, "t"),      # overlaps the clinician: found, true positive
             Span(3, 7, Category.NAME, "t")]        # "by": a false alarm
    score.add(n1, spans)                            # the date and the wife's name are missed
    assert score.gold["HCPName"] == 1 and score.found["HCPName"] == 1
    assert score.found["Date"] == 0 and len(score.misses) == 2
    assert score.det_tp["NAME"] == 1 and score.det_fp["NAME"] == 1
    assert score.recall == pytest.approx(1 / 3) and score.precision == pytest.approx(0.5)
    n2 = next(d for d in corpora["physionet-deid-dev"] if d.id == "n2")
    score.add(n2, [Span(13, 17, Category.DATE, "t")])  # the year alone: neutral, neither way
    assert score.det_neutral["DATE"] == 1 and score.precision == pytest.approx(0.5)
    clean = Score()
    clean.add(corpora["iu-xray-reports-dev"][0], [Span(18, 22, Category.NAME, "t"), Span(0, 2, Category.NAME, "t")])
    assert clean.det_neutral["NAME"] == 1 and clean.false_alarms_per_100 == pytest.approx(100.0)
    summary = score.summary()
    assert summary["gold"]["Date"] == {"n": 1, "recall": 0.0}


def test_benchmark_reports_tuned_on_figures(corpus_dir, capsys):
    assert phi_text.main(["--corpus", str(corpus_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    notes = report["tuned_on"]["physionet-deid-dev"]
    assert notes["docs"] == 3 and set(notes["gold"]) == {"HCPName", "Date", "RelativeProxyName", "PTName", "Phone"}
    assert report["tuned_on"]["iu-xray-reports-dev"]["false_alarms_per_100_docs"] is not None


def test_bad_corpus_line_names_file_and_line(tmp_path, capsys):
    (tmp_path / "broken.jsonl").write_text('{"id": "a", "text": "x"}\n{"id": "b"}\n', encoding="utf-8")
    assert phi_text.main(["--corpus", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "broken.jsonl:2" in err and "Traceback" not in err
