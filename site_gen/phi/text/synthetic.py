"""Synthetic labelled training text, written for this project (no corpus text in here).

Templates of the kinds of text the guard meets (case histories, report phrasing, nursing shorthand,
ALL-CAPS and lower-case notes, lists of names, relatives, wards and buildings with floors, hospitals
by name, abbreviation or in lower case, addresses with the house number before or after the street)
are filled from the shipped lists: US and international names and towns (names.tsv.gz,
world-names.tsv.gz, places.txt.gz), invented name-like strings that no list knows, dates in every
common format (Unicode dashes, full-width and spaced-out digits too) and phone numbers in many
groupings.  Clean radiology sentences full of eponyms and abbreviations teach what is not PHI.

`generate(count, seed)` returns corpus.Doc objects with "site" gold types; the same seed gives the
same documents.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache

from .corpus import Doc
from .lexicon import (_read_lines, drug_names, eponyms, english_words, names, radiology_vocabulary, word_set,
                      world_name_rows)

Piece = tuple[str, str | None]  # text, gold type or None

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
RELATIONS = ["son", "daughter", "wife", "husband", "mother", "father", "sister", "brother", "niece", "nephew",
             "grandson", "granddaughter", "partner", "friend", "neighbour", "aunt", "uncle", "cousin", "dtr",
             "HCP", "proxy", "guardian", "son-in-law", "daughter in law", "stepson"]
TITLES = ["Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Prof.", "Miss", "Doctor"]
CREDENTIALS = ["RN", "MD", "NP", "RRT", "PA-C", "MBBS", "PhD", "FRCR", "LCSW", "CNA"]
ROLES = ["nurse", "RN", "NP", "resident", "attending", "fellow", "SW", "case manager", "chaplain", "PT",
         "intern", "surgeon", "radiologist", "tech", "interpreter", "cardiology fellow", "covering MD"]
DASHES = ["-", "-", "-", "\u2013", "\u2010", "\u2011", "\u2012", "\u2014", "\u2212"]
STREET_SUFFIXES = ["Street", "St", "St.", "Road", "Rd", "Avenue", "Ave", "Lane", "Drive", "Dr", "Court", "Way",
                   "Place", "Terrace", "Close", "Crescent", "Boulevard", "Blvd", "Highway", "Parkway"]
WARD_WORDS = ["ward", "Ward", "unit", "wing", "building", "Building", "pavilion", "tower", "house", "block"]
FLOOR_WORDS = ["floor {n}", "{n}th floor", "{n}", "level {n}", "fl {n}", "{n}{letter}"]
# written in lower case; half of them are title-cased when used ("general hospital" also title-cased)
HOSPITAL_HEADS = ["hospital", "general hospital", "medical center", "medical centre", "clinic", "infirmary",
                  "memorial hospital", "regional medical center", "community hospital", "university hospital",
                  "health centre", "rehab", "nursing home", "general", "memorial", "regional"]


@lru_cache(maxsize=1)
def _pools() -> dict[str, list[str]]:
    firsts, lasts = [], []
    for name, info in names().items():
        if info.word or not name.isalpha() or len(name) < 3:
            continue
        if info.first >= 6:
            firsts.append(name.capitalize())
        if info.surname >= 6:
            lasts.append(name.capitalize())
    world = {"first": [], "last": [], "city": [], "street": []}
    for kind, _locale, value in world_name_rows():
        if kind in world and len(value) <= 30:
            world[kind].append(value)
    towns = [t.title() for t in _read_lines("places.txt.gz") if t.isascii() and 4 <= len(t) <= 20]
    always, conditional = eponyms()
    english = sorted(w for w in english_words() if w.isalpha() and w.islower() and 3 <= len(w) <= 12)
    # ordinary words that are also names ("reason", "grant", "rose"): in prose they are words
    name_words = sorted(w for w in english if (info := names().get(w)) is not None and info.word)
    journal = sorted(w for w in word_set("journal_words") if w.isalpha() and len(w) > 2)
    drugs = sorted(w for w in drug_names() if w.isalpha() and len(w) >= 6)
    return {"english": english, "name_word": name_words, "journal": journal, "drug": drugs,
            "rare_eponym": sorted(w.capitalize() for w in always if w.isalpha()),
            "first": sorted(firsts), "last": sorted(lasts), "wfirst": sorted(world["first"]),
            "wlast": sorted(world["last"]), "wcity": sorted(world["city"]), "wstreet": sorted(world["street"]),
            "town": sorted(towns), "eponym": sorted(w.capitalize() for w in always | conditional if w.isalpha()),
            "vocab": sorted(w for w in radiology_vocabulary() if w.isalpha() and len(w) > 3)}


class _Gen:
    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self.p = _pools()

    def pick(self, key: str) -> str:
        return self.r.choice(self.p[key])

    # ---- names -----------------------------------------------------------
    def invented(self) -> str:
        """A name-like string that no list knows: halves of two listed names joined."""
        a, b = self.pick("last"), self.pick("wlast" if self.r.random() < 0.5 else "last")
        word = a[: max(2, len(a) // 2)] + b[len(b) // 2:].lower()
        return word if word.isalpha() else a

    def first(self) -> str:
        x = self.r.random()
        return self.pick("first") if x < 0.55 else self.pick("wfirst") if x < 0.9 else self.invented()

    def last(self) -> str:
        x = self.r.random()
        return self.pick("last") if x < 0.5 else self.pick("wlast") if x < 0.85 else self.invented()

    def full(self) -> list[Piece]:
        x = self.r.random()
        f, l = self.first(), self.last()
        if x < 0.45:
            return [(f"{f} {l}", "NAME")]
        if x < 0.6:
            return [(f"{l}, {f}", "NAME")]
        if x < 0.72:
            return [(f"{f[0]}. {l}", "NAME")]
        if x < 0.82:
            return [(f"{f} {self.r.choice('ABCDEFGHJKLMNPRSTW')}. {l}", "NAME")]
        if x < 0.9:
            return [(f, "NAME")]
        return [(l, "NAME")]

    def titled(self) -> list[Piece]:
        return [(self.r.choice(TITLES) + " ", None), (self.last(), "NAME")]

    def relative(self) -> list[Piece]:
        rel = self.r.choice(RELATIONS)
        x = self.r.random()
        sep = self.r.choice([" ", " ", ", ", " - ", "-", ": ", " ("])
        name = self.first() if x < 0.6 else f"{self.first()} {self.last()}"
        out = [(rel + sep, None), (name, "NAME")]
        if sep == " (":
            out.append((")", None))
        return out

    def staff(self) -> list[Piece]:
        x = self.r.random()
        if x < 0.35:
            return self.titled()
        if x < 0.6:
            return [(f"{self.first()} {self.last()}", "NAME"), (", " + self.r.choice(CREDENTIALS), None)]
        if x < 0.8:
            return [(self.r.choice(ROLES) + " ", None), (self.first(), "NAME")]
        return [(self.r.choice(["per ", "w/ ", "with ", "by ", "spoke w/ ", "d/w ", "cc: "]), None)] + self.full()

    def name_list(self) -> list[Piece]:
        out: list[Piece] = []
        count = self.r.randint(2, 4)
        for i in range(count):
            if i:
                out.append((self.r.choice([", ", ", ", " and ", " & ", "; ", "/"]), None))
            out += self.full() if self.r.random() < 0.6 else [(self.last(), "NAME")]
        return out

    # ---- dates -------------------------------------------------------------
    def _digits(self, s: str) -> str:
        x = self.r.random()
        if x < 0.05:  # full-width digits
            return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)
        return s

    def date(self) -> list[Piece]:
        r = self.r
        y, m, d = r.randint(1930, 2099), r.randint(1, 12), r.randint(1, 28)
        mon = MONTHS[m - 1]
        dash = r.choice(DASHES)
        forms = [
            f"{m}/{d}/{y}", f"{m}/{d}/{y % 100:02d}", f"{d}/{m}/{y}", f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}",
            f"{y}{dash}{m:02d}{dash}{d:02d}", f"{d:02d}{dash}{m:02d}{dash}{y}", f"{m}{dash}{d}{dash}{y % 100:02d}",
            f"{m}/{d}", f"{d} {mon} {y}", f"{mon} {d}, {y}", f"{mon} {d}", f"{d}{r.choice(['st', 'nd', 'rd', 'th'])} {mon}",
            f"{mon[:3]} {d}", f"{d}-{mon[:3]}-{y}", f"{d}{mon[:3]}{y}", f"{mon[:3].lower()} {y % 100:02d}",
            f"{mon[:3].lower()}-{y % 100:02d}", f"{mon.lower()} {d}", f"{y}{m:02d}{d:02d}", f"{m}/{y}",
            f"{mon} {y}", f"{d:02d}/{m:02d}", f"{m} / {d} / {y}", " ".join(f"{m:02d}/{d:02d}/{y}"),
            f"{d}.{m}.", f"{mon[:3].upper()} {d} {y}", f"{d} {mon[:3]}. '{y % 100:02d}",
        ]
        return [(self._digits(r.choice(forms)), "DATE")]

    def glued_date(self) -> list[Piece]:
        r = self.r
        word = r.choice(["on", "seen", "dc", "adm", "f/u", "cxr", "ct", "echo", "rpt", "labs"])
        return [(word, None), (f"{r.randint(1, 12)}/{r.randint(1, 28)}", "DATE")]

    # ---- phones, ids, contacts -------------------------------------------------
    def phone(self) -> list[Piece]:
        r = self.r
        d = lambda n: "".join(str(r.randint(0, 9)) for _ in range(n))  # noqa: E731
        dash = r.choice(DASHES)
        forms = [f"({d(3)}) {d(3)}-{d(4)}", f"{d(3)}-{d(3)}-{d(4)}", f"{d(3)}.{d(3)}.{d(4)}", f"{d(3)} {d(3)} {d(4)}",
                 f"{d(3)}{dash}{d(4)}", f"+44 {d(2)} {d(4)} {d(4)}", f"+33 {d(1)} {d(2)} {d(2)} {d(2)} {d(2)}",
                 f"0{d(3)} {d(3)} {d(3)}", f"0{d(1)} {d(4)} {d(4)}", f"{d(2)} {d(2)} {d(2)} {d(2)}",
                 f"{d(4)} {d(4)}", f"{d(5)} {d(6)}", f"{d(10)}", f"+1{dash}{d(3)}{dash}{d(3)}{dash}{d(4)}",
                 f"{d(3)}-{d(4)} x{d(3)}", f"{d(2)}-{d(2)}-{d(2)}-{d(2)}", " ".join(d(10)),
                 f"+49 ({d(3)}) {d(3)} {d(2)} {d(2)}", f"{d(3)}/{d(3)}-{d(4)}", f"{d(5)}"]
        return [(self._digits(r.choice(forms)), "PHONE")]

    def ident(self) -> list[Piece]:
        r = self.r
        d = lambda n: "".join(str(r.randint(0, 9)) for _ in range(n))  # noqa: E731
        return [(r.choice([d(7), d(8), f"{d(3)}-{d(2)}-{d(4)}", f"{r.choice('ABCDEFGHK')}{d(7)}",
                           f"{d(3)} {d(3)} {d(4)}", f"{d(2)}-{d(6)}"]), "ID")]

    def email(self) -> list[Piece]:
        user = (self.first() + "." + self.last()).lower()
        user = re.sub(r"[^a-z.]", "", user) or "someone"
        return [(f"{user}@{self.r.choice(['example.org', 'mail.example.com', 'clinic.example.net'])}", "CONTACT")]

    # ---- places ------------------------------------------------------------
    def street(self) -> list[Piece]:
        r = self.r
        name = self.pick("wstreet") if r.random() < 0.4 else self.last()
        num = str(r.randint(1, 9999))
        x = r.random()
        if x < 0.45:
            text = f"{num} {name} {r.choice(STREET_SUFFIXES)}"
        elif x < 0.75:
            text = f"{name} {r.choice(STREET_SUFFIXES)} {num}" if " " not in name else f"{name} {num}"
        else:
            text = f"{name} {num}"
        return [(text, "LOCATION")]

    def town(self) -> list[Piece]:
        return [(self.pick("town") if self.r.random() < 0.6 else self.pick("wcity"), "LOCATION")]

    def ward(self) -> list[Piece]:
        r = self.r
        base = self.last() if r.random() < 0.6 else self.pick("town")
        floor = r.choice(FLOOR_WORDS).format(n=r.randint(1, 12), letter=r.choice("ABCDEFGHIJKLMNOPRS"))
        x = r.random()
        if x < 0.4:
            return [(f"{base} {floor}", "LOCATION")]
        if x < 0.7:
            return [(f"{base} {r.choice(WARD_WORDS)}", "LOCATION"), (", ", None), (floor, "LOCATION")]
        return [(f"{r.choice(WARD_WORDS).capitalize()} {base}", "LOCATION")]

    def hospital(self) -> list[Piece]:
        r = self.r
        base = self.pick("town") if r.random() < 0.5 else self.last()
        x = r.random()
        if x < 0.5:
            head = r.choice(HOSPITAL_HEADS)
            return [(f"{base} {head.title() if r.random() < 0.6 else head}", "LOCATION")]
        if x < 0.65:
            return [(f"St {self.first()}'s", "LOCATION")]
        if x < 0.85:
            letters = "".join(w[0] for w in base.split())[:2].upper()
            return [(letters + r.choice(["GH", "H", "MC", "MH", "UH", "RH"]), "LOCATION")]
        return [(f"{base.lower()} {r.choice(['general', 'memorial', 'hospital', 'medical'])}", "LOCATION")]

    # ---- ages --------------------------------------------------------------------
    def old_age(self) -> list[Piece]:
        n = self.r.randint(90, 109)
        return [(self.r.choice([f"{n} yo", f"{n} y/o", f"{n}-year-old", f"{n} year old", f"aged {n}", f"{n}yo",
                                f"{n} yrs", f"{n}"]), "AGE")]

    def young_age(self) -> list[Piece]:
        n = self.r.randint(18, 88)
        return [(self.r.choice([f"{n} yo", f"{n} y/o", f"{n}-year-old", f"{n} year old", f"aged {n}", f"{n}yo"]), None)]

    # ---- published teaching-file text: references, case files, documentation --------------------
    def citation(self) -> list[Piece]:
        """A Vancouver reference: its authors are names (the guard allows them in a citation field
        by shape, not by teaching the model that they are no names); journal, year and pages are
        not PHI."""
        r = self.r
        out: list[Piece] = []
        for i in range(r.randint(1, 6)):
            if i:
                out.append((", ", None))
            surname = self.last()
            x = r.random()
            if x < 0.1:
                surname = f"{r.choice(['van der', 'de', 'van', 'von', 'di', 'da', 'El', 'Mac'])} {surname}"
            elif x < 0.2:
                surname = f"{surname}-{self.last()}"
            initials = "".join(r.choice("ABCDEFGHJKLMNOPRSTVWY") for _ in range(r.randint(1, 2)))
            out.append((f"{surname} {initials}", "NAME"))
        if r.random() < 0.3:
            out.append((", et al", None))
        title = " ".join([self.pick("vocab").capitalize()] + [self.pick(r.choice(["english", "vocab"]))
                                                              for _ in range(r.randint(2, 8))])
        journal = " ".join(self.pick("journal").capitalize() for _ in range(r.randint(1, 4)))
        year, volume = r.randint(1960, 2025), r.randint(1, 400)
        pages = f"{r.randint(1, 900)}-{r.randint(901, 999)}" if r.random() < 0.8 else f"e{r.randint(100, 9999)}"
        issue = f"({r.randint(1, 12)})" if r.random() < 0.6 else ""
        month = f" {MONTHS[r.randint(0, 11)][:3]}" if r.random() < 0.3 else ""
        out.append((f". {title}. {journal}. {year}{month};{volume}{issue}:{pages}.", None))
        if r.random() < 0.4:
            out.append((f" doi:10.{r.randint(1000, 9999)}/{self.pick('vocab')}.{year}.{r.randint(100, 99999)}.", None))
        if r.random() < 0.3:
            out.append((f" PMID: {r.randint(1000000, 39999999)}.", None))
        return out

    def case_file(self) -> list[Piece]:
        """Lines of a case file (YAML): keys, modalities, windows, series paths, captions."""
        r = self.r
        organ = self.pick("vocab")
        lines = [
            f"id: {r.randint(1, 9999)}\n",
            f"title: {organ.capitalize()} {self.pick('vocab')} on {r.choice(['CT', 'MRI', 'a radiograph', 'ultrasound'])}\n",
            f"authors: [{self.pick('english')}{r.randint(1, 99) if r.random() < 0.3 else ''}]\n",
            f"patient:\n  age: {r.randint(1, 89)}\n  sex: {r.choice(['female', 'male', 'not stated'])}\n",
            f"  - modality: {r.choice(['CT', 'MR', 'CR', 'US', 'NM', 'PT', 'XA', 'MG'])}\n"
            f"    timing: {r.choice(['day', 'week', 'month'])} {r.randint(0, 30)}\n",
            f"    window: {{center: {r.randint(-600, 40000)}, width: {r.randint(1, 60000)}}}\n",
            f"    window: {{level: {r.randint(-600, 4000)}, width: {r.randint(1, 6000)}}}\n",
            f"      - path: {r.choice(['series', 'images', 'cr', 'ct', 'mr'])}-{self.pick('english')}-{r.randint(1, 20):02d}\n",
            f"        plane: {r.choice(['axial', 'coronal', 'sagittal', 'PA', 'AP', 'lateral'])}\n",
            f"        key_images: [{', '.join(str(r.randint(1, 400)) for _ in range(r.randint(1, 4)))}]\n",
            f"        slices: {r.randint(1, 600)}\n        thickness_mm: {r.randint(1, 10)}\n",
            f"systems: [{self.pick('vocab')}, {self.pick('vocab')}]\n",
            f"tags: [{self.pick('vocab')} {self.pick('vocab')}, {self.pick('english')} {self.pick('vocab')}]\n",
            f"    licence: {r.choice(['CC BY 4.0', 'MIT', 'CC0', 'CC BY-SA 4.0'])}\n",
            f"diagnosis:\n  final: {self.pick('vocab').capitalize()} {self.pick('vocab')}\n  certainty: "
            f"{r.choice(['confirmed', 'probable', 'possible'])}\n",
            f"        # The file's own window (centre {r.randint(100, 30000)}, width {r.randint(100, 60000)}) "
            f"looks {self.pick('english')}.\n",
            f"matrix: {r.choice([256, 320, 512, 1024, 2048])} x {r.choice([256, 320, 512, 1024, 2048])}, "
            f"{r.randint(8, 16)} bits, {r.randint(1, 3000)} frames\n",
        ]
        return [("".join(r.sample(lines, r.randint(2, 6))), None)]

    def documentation(self) -> list[Piece]:
        """Documentation prose: lists of lower-case words, field names, commands, headings."""
        r = self.r
        words = lambda n: ", ".join(self.pick(r.choice(["english", "name_word", "name_word"]))  # noqa: E731
                                    for _ in range(n))
        sentences = [
            f"The log keeps the {words(r.randint(3, 7))} and the {self.pick('english')}.",
            f"({words(r.randint(3, 6))}; never the {self.pick('english')})",
            f"- `{self.pick('english')}`: the {self.pick('english')} of each {self.pick('name_word')}",
            f"## {self.pick('english').capitalize()} and {self.pick('name_word')}\n",
            f"    site-gen {self.pick('english')} CASE --{self.pick('name_word')} {self.pick('english')} "
            f"--{self.pick('english')} YOUR_USERNAME",
            f"Use `--{self.pick('name_word')}` to {self.pick('english')} the {self.pick('english')} "
            f"({self.pick('english')} {r.randint(2, 500)}, default {r.randint(1, 10)}).",
            f"| `{self.pick('english')}` | {self.pick('english')} {self.pick('name_word')} | {r.randint(1, 99999)} |",
            f"Each {self.pick('name_word')} names its {self.pick('english')}, {self.pick('name_word')} "
            f"and {self.pick('name_word')}.",
        ]
        return [(r.choice(sentences), None)]

    def shorthand(self) -> str:
        """A drug as nurses write it: cut to its first letters ("vanco", "levo") or whole."""
        r = self.r
        drug = self.pick("drug")
        word = drug[:r.randint(3, 6)] if r.random() < 0.6 else drug
        x = r.random()
        return word.upper() if x < 0.2 else word.capitalize() if x < 0.7 else word

    def device(self) -> str:
        """An eponymous device or sign without its head word ("Hickman flushed"); only eponyms that are
        no common name (a common one needs its head word: "Smith fracture")."""
        r = self.r
        word = self.pick("rare_eponym")
        return word.upper() if r.random() < 0.2 else word if r.random() < 0.2 else word.capitalize()

    def drug_talk(self) -> list[Piece]:
        """Nursing shorthand about drugs and devices: no PHI, though the words look like names."""
        r = self.r
        d, e = self.shorthand, self.device
        sentences = [
            f"On {d()}, {d()} and {d()}.",
            f"Remains on {d()}, {d()}/{d()}, {d()} gtt at {r.randint(1, 20)} mcg/min.",
            f"{d()} titrated for SBP > {r.randint(80, 110)}; weaned {d()} to off.",
            f"receiving {d()} q{r.choice([6, 8, 12])}h, {d()} and {d()}. trough {d()} sent.",
            f"{e()} in place draining clear yellow urine. {e()} flushed, good blood return.",
            f"{e()} {r.choice(['d/c', 'dc', 'removed', 'changed', 'placed', 'on standby', 'applied'])}. "
            f"{d()} started at {r.randint(1, 200)} mcg.",
            f"ID: on {d()}/{d()}, afebrile. CV: {d()} weaned, {e()} remains in R groin.",
            f"NEURO: {r.choice(['MAE', 'PERRL', 'PERL', 'A&O x3'])}, {r.choice(['PERL', 'MAE', 'follows commands'])} "
            f"at {r.randint(1, 5)}mm. Sedated on {d()}/{d()}.",
        ]
        return [(r.choice(sentences), None)]

    def clean(self) -> list[Piece]:
        """A radiology sentence with eponyms, measurements, scores, years alone: no PHI."""
        r = self.r
        size = f"{r.randint(2, 40)} mm"
        sentences = [
            f"{self.pick('eponym')} fracture of the distal radius.",
            f"No evidence of {self.pick('eponym')} disease; {self.pick('vocab')} unremarkable.",
            f"Nodule measures {size}, Lung-RADS {r.randint(1, 4)}, stable since {r.randint(1990, 2024)}.",
            f"Pain {r.randint(0, 10)}/10, strength {r.randint(1, 5)}/5 in the LUE, GCS {r.randint(3, 15)}.",
            f"BP {r.randint(90, 180)}/{r.randint(40, 100)}, HR {r.randint(50, 130)}, SpO2 {r.randint(88, 100)}% on {r.randint(1, 6)}L NC.",
            f"PEEP {r.randint(5, 12)}, PS {r.randint(5, 15)}/{r.randint(5, 10)}, FiO2 {r.randint(3, 10) * 10}%.",
            f"The {self.pick('vocab')} is within normal limits. Compared with the study of {r.randint(1995, 2024)}.",
            f"Findings consistent with {self.pick('eponym')} sign and {self.pick('eponym')}'s {r.choice(['cyst', 'node', 'syndrome'])}.",
            f"{r.choice(['Lasix', 'Heparin', 'Foley', 'Swan', 'PICC', 'NGT', 'Coumadin'])} {r.choice(['d/c', 'in place', 'gtt at 10', 'changed', 'flushed'])}.",
            f"Pt is a {r.randint(18, 88)} yo {r.choice(['M', 'F', 'male', 'female'])} with hx of {r.choice(['CAD', 'COPD', 'CHF', 'DM2', 'HTN'])}.",
            f"T{r.randint(1, 12)}-T{r.randint(1, 12)} disc space narrowing, grade {r.randint(1, 3)} of {r.randint(3, 5)}.",
            f"Series {r.randint(1, 9)} image {r.randint(1, 300)}: {self.pick('vocab')} {size}.",
            # teaching-file text: series folders, levels, citations, eponymous syndromes, odd month words
            f"{r.choice(['Brain', 'Chest', 'Liver', 'Knee', 'Spine'])} {r.choice(['MRI', 'CT', 'PET'])} Series {r.randint(1, 20)}",
            f"{r.choice(['T', 'L', 'C'])}{r.randint(1, 10)} {r.randint(2, 11)} {r.randint(3, 12)} endplate changes.",
            f"{self.pick('eponym')} et al. {r.choice(['Radiology', 'AJR Am J Roentgenol', 'Eur Radiol'])}. "
            f"{r.randint(1990, 2024)};{r.randint(1, 300)}({r.randint(1, 12)}):{r.randint(1, 900)}-{r.randint(901, 999)}. "
            f"PMID: {r.randint(10000000, 39999999)}.",
            f"{self.pick('eponym')} {self.pick('eponym')} {r.choice(['malformation', 'sequence', 'syndrome', 'disease'])} "
            f"with {self.pick('vocab')}.",
            f"No change in {r.choice(['dec', 'decreased'])} breath sounds. May {r.choice(['improve', 'resolve'])} in "
            f"{r.choice(['march', 'spring', 'weeks'])}.",
            f"{r.choice(['Axial', 'Coronal', 'Sag'])} {r.choice(['T1', 'T2', 'STIR', 'FLAIR', 'DWI'])} "
            f"{r.choice(['post gad', 'fat sat', 'b800', 'MIP'])}, slice {r.randint(1, 200)}.",
        ]
        return [(r.choice(sentences), None)]


def _template_pieces(g: _Gen) -> list[Piece]:
    r = g.r
    T = lambda s: [(s, None)]  # noqa: E731
    templates = [
        lambda: T("Pt seen by ") + g.staff() + T(" on ") + g.date() + T("."),
        lambda: T("Family meeting with ") + g.relative() + T(" and ") + g.relative() + T(", updated on plan of care."),
        lambda: T("CT chest ") + g.date() + T(": ") + g.clean(),
        lambda: T("Transferred to ") + g.ward() + T(" from ") + g.hospital() + T(" on ") + g.date() + T("."),
        lambda: T("Lives at ") + g.street() + T(", ") + g.town() + T(" with ") + g.relative() + T("."),
        lambda: T("Contact ") + g.relative() + T(" at ") + g.phone() + T(" or cell ") + g.phone() + T("."),
        lambda: g.old_age() + T(" F admitted with SOB. ") + g.clean(),
        lambda: T("MRN ") + g.ident() + T(", DOB ") + g.date() + T(", attending ") + g.titled() + T("."),
        lambda: g.name_list() + T(" present for the family meeting."),
        lambda: T("Seen w/ ") + g.full() + T(" per ") + g.titled() + T(", d/w ") + g.staff() + T("."),
        lambda: T("Dear ") + g.titled() + T(",\nThank you for referring ") + g.full() + T(", a ") + g.young_age() + T(" patient."),
        lambda: T("Reported by: ") + g.full() + T(", ") + g.date() + T("\n") + g.clean(),
        lambda: T("Comparison: ") + g.date() + T(". ") + g.clean() + T(" ") + g.clean(),
        lambda: T("Called ") + g.titled() + T(" ") + g.phone() + T(" re: results; message left ") + g.date() + T("."),
        lambda: T("Resides in ") + g.town() + T(", visited by ") + g.relative() + T(" ") + g.glued_date() + T("."),
        lambda: T("Hx: CABG ") + g.date() + T(", seen at ") + g.hospital() + T(" by ") + g.full() + T("."),
        lambda: T("NEURO: alert. CV: ") + g.clean() + T(" SOCIAL: ") + g.relative() + T(" called, will visit."),
        lambda: g.old_age() + T(" yo man, hx afib. ") + g.clean(),
        lambda: T("Address: ") + g.street() + T("\n") + g.town() + T(" ") + [(str(r.randint(10000, 99999)), "LOCATION")] + T("\nTel: ") + g.phone(),
        lambda: T("E-mail ") + g.email() + T(" for the images; ") + g.staff() + T(" aware."),
        lambda: T("Moved to ") + g.ward() + T(". ") + g.staff() + T(" paged, aware."),
        lambda: T("Mother ") + g.first_only() + T(" at bedside; father ") + g.first_only() + T(" phoned ") + g.phone() + T("."),
        lambda: g.clean() + T(" ") + g.clean(),
        lambda: g.clean(),
        lambda: T("Follow-up at ") + g.hospital() + T(" clinic ") + g.date() + T(" with ") + g.titled() + T("."),
        lambda: T("Patient: ") + g.full() + T("\nDate of exam: ") + g.date() + T("\n") + g.clean(),
        lambda: T("Signed: ") + g.full() + T(" ") + g.date() + T(" ") + [(f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}", None)],
        lambda: T("the pt was seen in ") + g.ward() + T(" by ") + g.staff() + T(" after transfer from ") + g.hospital() + T("."),
        lambda: T("references:\n  - citation: ") + g.citation(),
        lambda: g.citation(),
        lambda: T("See ") + g.citation() + T(" ") + g.clean(),
        lambda: g.case_file(),
        lambda: g.case_file() + T("presentation: Seen by ") + g.staff() + T(" on ") + g.date() + T(".\n"),
        lambda: g.case_file() + T("history: ") + g.clean() + T(" Referred from ") + g.hospital() + T(".\n"),
        lambda: g.drug_talk(),
        lambda: g.drug_talk() + T(" ") + g.relative() + T(" called, updated."),
        lambda: T("SOCIAL: ") + g.relative() + T(" in to visit. ") + g.drug_talk(),
        lambda: g.documentation(),
        lambda: g.documentation() + T(" ") + g.documentation(),
    ]
    return r.choice(templates)()


def _first_only(self: _Gen) -> list[Piece]:
    return [(self.first(), "NAME")]


_Gen.first_only = _first_only  # type: ignore[attr-defined]


def _case_safe(text: str, upper: bool) -> str:
    """Upper/lower case without changing the length (labels keep their offsets)."""
    out = []
    for c in text:
        changed = c.upper() if upper else c.lower()
        out.append(changed if len(changed) == 1 else c)
    return "".join(out)


def generate(count: int, seed: int = 7) -> list[Doc]:
    rng = random.Random(seed)
    g = _Gen(rng)
    docs = []
    for index in range(count):
        pieces: list[Piece] = []
        for part in range(rng.randint(1, 4)):
            if part:
                pieces.append((rng.choice([" ", "\n", "\n\n", " "]), None))
            pieces += _template_pieces(g)
        text, spans, pos = "", [], 0
        for piece, kind in pieces:
            if kind:
                spans.append({"start": pos, "end": pos + len(piece), "type": kind})
            text += piece
            pos += len(piece)
        x = rng.random()
        if x < 0.25:
            text = _case_safe(text, upper=True)
        elif x < 0.4:
            text = _case_safe(text, upper=False)
        doc = Doc(f"synthetic-{index}", text, "synthetic")
        doc.required = [(s["start"], s["end"], s["type"]) for s in spans]
        doc.group = doc.id
        docs.append(doc)
    return docs
