"""How rule spans and model probabilities combine (detector.combine), on hand-made analyses."""
from site_gen.phi.finding import Category, Span
from site_gen.phi.text.detector import Analysis, combine
from site_gen.phi.text.tagger import tokenize

TEXT = "Foley to gravity; seen by Okonkwo at Wexmoor 4."


def _analysis(probs_by_word):
    tokens = tokenize(TEXT)
    probs = [dict(probs_by_word.get(t.text, {})) for t in tokens]
    rules = [Span(0, 5, Category.NAME, "person_name", 0.7, "name-like words"),
             Span(26, 33, Category.NAME, "person_name", 0.8, "name-like words: cue phrase before"),
             Span(37, 44, Category.INSTITUTION, "institution", 0.6, "a ward")]
    return Analysis(TEXT, rules, tokens, probs)


def test_model_vetoes_a_rule_span_it_gives_too_little_probability():
    analysis = _analysis({"Foley": {"NAME": 0.01}, "Okonkwo": {"NAME": 0.9}, "Wexmoor": {"LOCATION": 0.4}})
    settings = {"model_thresholds": {"NAME": 0.5, "LOCATION": 0.5}, "veto_thresholds": {"NAME": 0.05}}
    found = {TEXT[s.start:s.end]: s for s in combine(analysis, settings)}
    assert "Foley" not in found                    # vetoed
    assert found["Okonkwo"].category == Category.NAME
    assert "Wexmoor" in found                      # no veto for LOCATION: the rule span stays
    no_veto = {TEXT[s.start:s.end] for s in combine(analysis, {"model_thresholds": {"NAME": 0.5}})}
    assert "Foley" in no_veto


def test_model_span_takes_the_finer_category_of_an_overlapping_rule():
    analysis = _analysis({"Wexmoor": {"LOCATION": 0.9}, "4": {"LOCATION": 0.8}})
    spans = combine(analysis, {"model_thresholds": {"LOCATION": 0.5}})
    ward = [s for s in spans if TEXT[s.start:s.end].startswith("Wexmoor")]
    assert ward and ward[0].category == Category.INSTITUTION and ward[0].end == len("Foley to gravity; seen by Okonkwo at Wexmoor 4")


def test_model_alone_adds_what_the_rules_missed():
    analysis = _analysis({"gravity": {"LOCATION": 0.2}, "seen": {"NAME": 0.7}})
    spans = combine(analysis, {"model_thresholds": {"NAME": 0.6, "LOCATION": 0.5}})
    texts = {TEXT[s.start:s.end] for s in spans}
    assert "seen" in texts and "gravity" not in texts
    assert next(s for s in spans if TEXT[s.start:s.end] == "seen").why.startswith("trained model")


def test_vertebral_levels_are_no_date_for_the_model():
    text = "Disc bulges at T10 11 12."
    tokens = tokenize(text)
    probs = [{"DATE": 0.9} if t.text.isdigit() else {} for t in tokens]
    spans = combine(Analysis(text, [], tokens, probs), {"model_thresholds": {"DATE": 0.5}})
    assert spans == []
    text = "Seen 10 11 12."
    tokens = tokenize(text)
    probs = [{"DATE": 0.9} if t.text.isdigit() else {} for t in tokens]
    assert combine(Analysis(text, [], tokens, probs), {"model_thresholds": {"DATE": 0.5}})


def _model_spans(text, probs_by_word, thresholds):
    tokens = tokenize(text)
    probs = [dict(probs_by_word.get(t.text, {})) for t in tokens]
    return [(text[s.start:s.end], s.category) for s in combine(Analysis(text, [], tokens, probs),
                                                                {"model_thresholds": thresholds})]


def test_model_spans_hold_what_their_kind_is_made_of():
    """A date needs a digit or a month, a phone number a digit: syntax and words next to a date
    that the model gives a high date probability are no date ('!!str' before a block of dates)."""
    text = "tag !!str\n2 May 2020; ward rounds; call (555) 0100"
    likely = {"str": {"DATE": 0.8}, "!": {"DATE": 0.8}, "2": {"DATE": 0.9}, "May": {"DATE": 0.9},
              "2020": {"DATE": 0.9}, "ward": {"PHONE": 0.9}, "rounds": {"PHONE": 0.9},
              "(": {"PHONE": 0.9}, "555": {"PHONE": 0.9}, ")": {"PHONE": 0.9}, "0100": {"PHONE": 0.9}}
    spans = _model_spans(text, likely, {"DATE": 0.5, "PHONE": 0.5})
    assert spans == [("2 May 2020", Category.DATE), ("555) 0100", Category.PHONE)]


def test_model_spans_are_trimmed_of_punctuation_and_keep_holidays():
    text = "Home for -Christmas Day- and back."
    likely = {"-": {"DATE": 0.9}, "Christmas": {"DATE": 0.9}, "Day": {"DATE": 0.9}, "and": {"DATE": 0.9}}
    assert _model_spans(text, likely, {"DATE": 0.5}) == [("Christmas Day- and", Category.DATE)]
    assert _model_spans("Seen - and - back", {"-": {"DATE": 0.9}, "and": {"DATE": 0.9}}, {"DATE": 0.5}) == []
