"""Training, cross-validation and loading of the text model, on small invented data."""
from __future__ import annotations

import json

import pytest

from site_gen.phi.finding import Category
from site_gen.phi.text import analyze, train
from site_gen.phi.text.corpus import read_corpora
from site_gen.phi.text.detector import Detector
from site_gen.phi.text.synthetic import generate
from site_gen.phi.text.tagger import MODEL_FILE, SETTINGS_FILE, Tagger, shipped_tagger

NOTES = [
    ("Family mtg with son Tavita and dtr Marisol, d/w Dr Ekwueme.", [(20, 26, "RelativeProxyName"),
                                                                  (35, 42, "RelativeProxyName"),
                                                                  (51, 58, "HCPName")]),
    ("To Wexmoor 5 from Brindlecombe Infirmary on 4/12.", [(3, 12, "Location"), (18, 40, "Location"),
                                                         (44, 48, "Date")]),
    ("Lungs clear. Foley d/c. Plan: wean PEEP to 5.", []),
]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpora")
    (root / "text").mkdir()
    rows = []
    for i in range(12):
        text, gold = NOTES[i % len(NOTES)]
        rows.append({"id": f"n{i}", "patient": i % 4, "text": text,
                     "phi": [{"start": a, "end": b, "type": t} for a, b, t in gold]})
    (root / "text" / "physionet-invented.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return root


def test_synthetic_text_is_reproducible_and_labelled():
    a, b = generate(30, seed=3), generate(30, seed=3)
    assert [d.text for d in a] == [d.text for d in b]
    assert generate(30, seed=4)[0].text != a[0].text or generate(30, seed=4)[1].text != a[1].text
    kinds = {k for d in a for _, _, k in d.required}
    assert {"NAME", "DATE"} <= kinds
    for doc in a:
        for start, end, _ in doc.required:
            assert 0 <= start < end <= len(doc.text) and doc.text[start:end].strip()


def test_training_writes_a_model_that_loads_and_tags(corpus_dir, tmp_path):
    assert train.main([str(corpus_dir), "--folds", "0", "--synthetic", "150", "--out", str(tmp_path)]) == 0
    model, settings = tmp_path / MODEL_FILE.name, tmp_path / SETTINGS_FILE.name
    assert model.stat().st_size > 1000
    written = json.loads(settings.read_text())
    assert written["trained_on"] == {"physionet-invented": 12, "synthetic": 150}
    detector = Detector(Tagger(model, written))
    text = "Family mtg with son Ngozi and dtr Anneliese, d/w Dr Vukovic."
    spans = analyze(text, detector)
    assert any(s.category == Category.NAME and text[s.start:s.end].startswith("Ngozi") for s in spans)
    assert all(s.why for s in spans)


def test_model_file_holds_no_name_from_its_training_text(corpus_dir, tmp_path):
    """Word identities enter the model only for public vocabulary: a deployment that retrains on
    its own notes must not publish its patients' names inside the model file."""
    assert train.main([str(corpus_dir), "--folds", "0", "--synthetic", "20", "--out", str(tmp_path)]) == 0
    raw = (tmp_path / MODEL_FILE.name).read_bytes().lower()
    settings = (tmp_path / SETTINGS_FILE.name).read_bytes().lower()
    for name in (b"tavita", b"marisol", b"ekwueme", b"wexmoor", b"brindlecombe"):
        assert name not in raw and name not in settings
    assert b"w=" in raw  # ordinary words are features


def test_cross_validation_never_scores_a_training_fold(corpus_dir, tmp_path):
    corpora = read_corpora(corpus_dir)
    prepared, synthetic = train.prepare_all(corpora, 40, 1, log=lambda msg: None)
    results = train.cross_validate(prepared, synthetic, 2, tmp_path, log=lambda msg: None)
    assert len(results) == 2
    held = [sum(s.docs for s in r["scores"].values()) for r in results]
    assert sum(held) == 12  # every note scored exactly once, by the model that did not see it
    for r in results:
        assert set(r["settings"]["model_thresholds"]) == set(train.LABELS)


def test_thresholds_are_chosen_without_the_scored_fold(corpus_dir, tmp_path, monkeypatch):
    corpora = read_corpora(corpus_dir)
    prepared, synthetic = train.prepare_all(corpora, 30, 1, log=lambda msg: None)
    seen = []
    choose = train.choose_thresholds

    def recording(validation, analyses, rounds=2):
        seen.append({p.doc.id for p in validation})
        return choose(validation, analyses, rounds)

    monkeypatch.setattr(train, "choose_thresholds", recording)
    results = train.cross_validate(prepared, synthetic, 3, tmp_path, log=lambda msg: None)
    for result, chosen_on in zip(results, seen):
        held = {p.doc.id for p in result["held"]}
        assert held and chosen_on and not held & chosen_on
        assert chosen_on == {p.doc.id for p in prepared} - held  # every other document, once
    shipped = train.ship_thresholds(results)
    assert seen[-1] == {p.doc.id for p in prepared}  # shipped: chosen on every fold's held-out labels
    assert set(shipped["veto_thresholds"]) == set(train.LABELS)


def test_each_inner_model_labels_only_notes_it_never_trained_on(corpus_dir, tmp_path, monkeypatch):
    """The notes the thresholds are chosen on are labelled by a model trained on the other folds
    of the training part, each by one such model, and no outer held-out note is among them."""
    corpora = read_corpora(corpus_dir)
    prepared, synthetic = train.prepare_all(corpora, 20, 1, log=lambda msg: None)
    trained_on, labelled = {}, []
    real_train, real_analyse = train.train_model, train.analyse

    def recording_train(docs, path, *args, **kwargs):
        trained_on[str(path)] = {p.doc.id for p in docs}
        return real_train(docs, path, *args, **kwargs)

    def recording_analyse(tagger, docs):
        labelled.append((str(tagger.model_path), [p.doc.id for p in docs]))
        return real_analyse(tagger, docs)

    monkeypatch.setattr(train, "train_model", recording_train)
    monkeypatch.setattr(train, "analyse", recording_analyse)
    results = train.cross_validate(prepared, synthetic, 4, tmp_path, log=lambda msg: None)
    for k, result in enumerate(results):
        held = {p.doc.id for p in result["held"]}
        inner = [(path, ids) for path, ids in labelled if f"inner-{k}-" in path]
        assert len(inner) == 3  # one inner model per training fold
        seen = [i for _, ids in inner for i in ids]
        assert len(seen) == len(set(seen)) and set(seen) == {p.doc.id for p in prepared} - held
        for path, ids in inner:
            assert not set(ids) & trained_on[path] and not held & trained_on[path]


def test_shipped_model_is_small_and_loads():
    if not MODEL_FILE.exists():
        pytest.skip("no model shipped in this checkout")
    shipped_tagger.cache_clear()
    tagger = shipped_tagger()
    assert tagger is not None and set(tagger.labels) <= set(train.LABELS)
    assert MODEL_FILE.stat().st_size < 8 * 1024 * 1024
    settings = json.loads(SETTINGS_FILE.read_text())
    assert set(settings["model_thresholds"]) == set(settings["veto_thresholds"]) == set(train.LABELS)


def _prepared(texts_and_gold, group_of=lambda i: f"p{i}"):
    from site_gen.phi.text.corpus import Doc

    docs = []
    for i, (text, gold) in enumerate(texts_and_gold):
        doc = Doc(f"d{i}", text, "physionet-invented", required=list(gold))
        doc.group = group_of(i)
        docs.append(train.prepare(doc))
    return docs


def test_learned_vocabulary_holds_words_many_patients_share_and_no_labelled_word():
    """Ward shorthand written in many patients' notes is learned; a word labelled an identifier
    even once, or written for too few patients, is not (so no name can enter the model)."""
    notes = [("Zorvix gtt weaned; Quallby aware.", [(19, 26, "HCPName")]) for _ in range(6)]
    notes += [("Quallby gtt off.", [])] * 6 + [("Trevanne gtt off.", [])] * 4
    vocabulary = train.learned_vocabulary(_prepared(notes))
    assert "zorvix" in vocabulary
    assert "quallby" not in vocabulary     # labelled a name once: never learned
    assert "trevanne" not in vocabulary    # in four patients' notes only
    assert "gtt" not in vocabulary         # public vocabulary has its identity already
    one_patient = train.learned_vocabulary(_prepared(notes, group_of=lambda i: "p0"))
    assert not one_patient                 # every note of one patient: nothing is shared enough


def test_learned_words_are_features_of_the_model(tmp_path):
    from site_gen.phi.text.tagger import features, tokenize

    text = "Zorvix gtt weaned"
    tokens = tokenize(text)
    plain = features(text, tokens, [None] * len(tokens))
    learned = features(text, tokens, [None] * len(tokens), frozenset({"zorvix"}))
    assert "w=zorvix" not in plain[0] and "w=zorvix" in learned[0]
    assert "-1w=zorvix" in learned[1]


def test_a_capitalised_word_the_note_also_writes_in_lower_case_is_marked():
    from site_gen.phi.text.tagger import features, tokenize, words_written_lower

    text = "Zorvix titrated up. Dr Quallby aware. zorvix off at noon."
    tokens = tokenize(text)
    feats = features(text, tokens, [None] * len(tokens), lowered=words_written_lower(tokens))
    by_word = {t.text: f for t, f in zip(tokens, feats)}
    assert "lower_elsewhere" in by_word["Zorvix"]
    assert "lower_elsewhere" not in by_word["Quallby"]
