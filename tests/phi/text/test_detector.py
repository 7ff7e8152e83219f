"""How rule spans and model probabilities combine (detector.combine), on hand-made analyses."""
from site_gen.phi.finding import Category, Span
from site_gen.phi.text.detector import Analysis, combine
from site_gen.phi.text.tagger import tokenize

TEXT = "Foley to gravity; Seen by Okonkwo at Wexmoor 4."


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


def test_a_rule_span_the_model_reads_as_another_identifier_is_no_veto():
    """'Okonkwo' is a name to the rule; a model that reads it as a place still calls it an
    identifier, so the span stays (with the rule's category)."""
    analysis = _analysis({"Foley": {"NAME": 0.01, "LOCATION": 0.005}, "Okonkwo": {"NAME": 0.002, "LOCATION": 0.9}})
    settings = {"model_thresholds": {"NAME": 0.95, "LOCATION": 0.95}, "veto_thresholds": {"NAME": 0.05}}
    found = {TEXT[s.start:s.end]: s for s in combine(analysis, settings)}
    assert "Foley" not in found
    assert found["Okonkwo"].category == Category.NAME


def test_model_span_takes_the_finer_category_of_an_overlapping_rule():
    analysis = _analysis({"Wexmoor": {"LOCATION": 0.9}, "4": {"LOCATION": 0.8}})
    spans = combine(analysis, {"model_thresholds": {"LOCATION": 0.5}})
    ward = [s for s in spans if TEXT[s.start:s.end].startswith("Wexmoor")]
    assert ward and ward[0].category == Category.INSTITUTION and ward[0].end == len("Foley to gravity; seen by Okonkwo at Wexmoor 4")


def test_model_alone_adds_what_the_rules_missed():
    analysis = _analysis({"gravity": {"LOCATION": 0.2}, "Seen": {"NAME": 0.7}})
    spans = combine(analysis, {"model_thresholds": {"NAME": 0.6, "LOCATION": 0.5}})
    texts = {TEXT[s.start:s.end] for s in spans}
    assert "Seen" in texts and "gravity" not in texts
    assert next(s for s in spans if TEXT[s.start:s.end] == "Seen").why.startswith("trained model")


def test_ordinary_lower_case_words_are_no_name_for_the_model():
    """'date, editor and reason': a lower-case dictionary word that is no one's name is dropped
    however sure the model is; a lower-case word that is no dictionary word stays."""
    text = "Keeps the date, editor and reason. Ask wexmoor."
    tokens = tokenize(text)
    probs = [{"NAME": 0.95} if t.text in ("editor", "wexmoor") else {} for t in tokens]
    found = {text[s.start:s.end] for s in combine(Analysis(text, [], tokens, probs), {"model_thresholds": {"NAME": 0.5}})}
    assert found == {"wexmoor"}


def test_a_setting_value_or_a_state_is_no_address_for_the_model():
    text = "window: {center: 11000, width: 400}\nzip: 90210\nHe moved to Texas, then to Wexmoor."
    tokens = tokenize(text)
    wanted = ("11000", "90210", "Texas", "Wexmoor")
    probs = [{"LOCATION": 0.9} if t.text in wanted else {} for t in tokens]
    found = {text[s.start:s.end] for s in combine(Analysis(text, [], tokens, probs), {"model_thresholds": {"LOCATION": 0.5}})}
    assert found == {"90210", "Wexmoor"}


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


def _rule_names(text, words):
    out, at = [], 0
    for word in words:
        start = text.index(word, at)
        out.append(Span(start, start + len(word), Category.NAME, "person_name", 0.7, "name-like word"))
        at = start + len(word)
    return out


def test_a_vetoed_name_beside_kept_names_in_a_list_or_named_again_stays():
    settings = {"model_thresholds": {"NAME": 0.99}, "veto_thresholds": {"NAME": 0.05}}
    text = "Thanks to Dorval, Barton and Reed; the reed was cut. Later REED called, then Foley to gravity."
    tokens = tokenize(text)
    sure = {"Dorval": 0.9, "Barton": 0.4}
    probs = [{"NAME": sure.get(t.text, 0.01)} for t in tokens]
    rules = _rule_names(text, ["Dorval", "Barton", "Reed", "REED", "Foley"])
    found = {text[s.start:s.end] for s in combine(Analysis(text, rules, tokens, probs), settings)}
    # Reed joins the list (after Barton, who joined Dorval); REED is the same name again; Foley,
    # alone and vetoed, stays out, and so does the lower-case word no rule found
    assert found == {"Dorval", "Barton", "Reed", "REED"}


def test_a_rule_span_at_its_category_sure_score_is_never_vetoed():
    """'Seen by Okonkwo' (a cue right before a name) scored 0.8 by the rule: with a sure score of
    0.8 for names, the model's low probability no longer removes it; 'Foley' (0.7) still goes."""
    analysis = _analysis({"Foley": {"NAME": 0.01}, "Okonkwo": {"NAME": 0.01}})
    settings = {"model_thresholds": {"NAME": 0.95}, "veto_thresholds": {"NAME": 0.05}}
    assert {TEXT[s.start:s.end] for s in combine(analysis, settings)} & {"Foley", "Okonkwo"} == set()
    settings["sure_scores"] = {"NAME": 0.8}
    kept = {TEXT[s.start:s.end] for s in combine(analysis, settings)}
    assert "Okonkwo" in kept and "Foley" not in kept


def test_a_name_after_a_title_is_never_vetoed_whatever_sure_score_training_chose():
    """'DR. QUARRY CAME BY': after a title any word is a name, an English word too; the rule scores
    it above every sure score the trainer can choose, so a model that doubts it cannot remove it."""
    from site_gen.phi.text import train
    from site_gen.phi.text.registry import run_all

    text = "EPI DRIP INCREASED. DR. QUARRY CAME BY AND ORDERED LASIX."
    rules = run_all(text)
    titled = [s for s in rules if text[s.start:s.end] == "QUARRY"]
    assert titled and titled[0].score > max(train.SURE_GRID)
    tokens = tokenize(text)
    analysis = Analysis(text, rules, tokens, [{} for _ in tokens])  # the model sees no identifier at all
    settings = {"model_thresholds": {"NAME": 0.95}, "veto_thresholds": {"NAME": 0.5},
                "sure_scores": {"NAME": max(train.SURE_GRID)}}
    assert "QUARRY" in {text[s.start:s.end] for s in combine(analysis, settings)}

