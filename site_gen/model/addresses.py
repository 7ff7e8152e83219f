"""E-mail addresses in text, in whatever form a reader would still recognise as one.

Used by the build's leak check (every file of the generated site) and by the profile check.
Besides plain `name@example.org`, text is read the way a browser shows it and a person reads
it: HTML character references (`&#64;`, `&#x40;`, `&commat;`, also double-encoded),
percent-encoding (`%40`), JavaScript/JSON/CSS escapes of "@" and ".", Unicode compatibility
forms (full-width ＠ and letters, small ﹫, mathematical letters: NFKC), ideographic full stops
(which browsers accept as dots in domain names), invisible characters inside an address
(zero-width space, soft hyphen), and spelled-out forms such as `name [at] example [dot] org`,
`name(at)example.org` and `name AT example DOT org`.

Decoding never adds or removes a line break, so every finding keeps its line number.  Each
step is a single regular-expression pass: the cost stays linear in the size of the text.
"""
from __future__ import annotations

import html.entities
import re
import unicodedata

# An address is found from its "@": the domain after it, and at least one character of a
# local part before it.  Searching from a literal keeps the scan fast and linear.
DOMAIN_AFTER_AT = re.compile(r"@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,24}\b")
LOCAL_PART = re.compile(r"[\w.%+-]")
# File names such as icon@2x.png look like addresses; their "domain" ends in a file type.
NOT_DOMAINS = {"png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "js", "mjs", "css", "map", "woff", "woff2",
               "ttf", "html", "json", "dcm"}

# Encoded characters: HTML references, percent-encoding, JavaScript and JSON escapes
# (\uFF20, surrogate pairs, \u{40}, \x40: search indexes escape every non-ASCII letter), and
# CSS escapes of "@" and "." (\40).
_ENCODED = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?"
                      r"|%[0-9a-fA-F]{2}"
                      r"|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
                      r"|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]{1,6}\}|\\x[0-9a-fA-F]{2}"
                      r"|\\0{0,4}(?:40|2[eE])\b ?")
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
# Full stops that browsers accept as dots in domain names (NFKC keeps them apart).
_FULL_STOPS = ("\u3002", "\uff61", "\ufe52", "\u2024")
# Spelled-out "@" and ".": bracketed anywhere; bare words only when both "at" and "dot" are
# spelled and the name ends in a common top-level domain ("more at radiopaedia.org" is a
# web address, not a person's).  Every pattern starts with a required character, so the
# search skips ahead instead of trying each position.
_BRACKET_AT = re.compile(r"[\[({<][ \t]*(?:at|@)[ \t]*[\])}>]", re.IGNORECASE)
_BRACKET_DOT = re.compile(r"[\[({<][ \t]*(?:dot|\.)[ \t]*[\])}>]", re.IGNORECASE)
_SPACE_BEFORE, _SPACE_AFTER = re.compile(r"[ \t]+([@\x1e])"), re.compile(r"([@\x1e])[ \t]+")
_WORDY = re.compile(r"[ \t]+at[ \t]+([\w-]+(?:[ \t]+dot[ \t]+[\w-]+)*)[ \t]+dot[ \t]+"
                    r"(com|org|net|edu|gov|mil|info|io|eu|uk|de|fr|es|it|nl|ch|au|ca|jp|cn|br|us)\b",
                    re.IGNORECASE)
_WORD_DOT = re.compile(r"[ \t]+dot[ \t]+", re.IGNORECASE)
_WORDY_HINT = re.compile(r"[dD][oO][tT][ \t]")


def _decode_one(match: re.Match) -> str:
    token = match.group(0)
    if token.startswith("&"):
        body = token[1:].rstrip(";")
        if body.startswith(("#x", "#X")):
            code = int(body[2:], 16)
        elif body.startswith("#"):
            code = int(body[1:])
        else:
            named = html.entities.html5.get(body + ";") or html.entities.html5.get(body)
            return named.replace("\n", " ") if named else token
        return chr(code) if 0 < code <= 0x10FFFF and code != 10 and code != 13 else " "
    if token.startswith("%"):
        value = int(token[1:], 16)
        return chr(value) if value not in (10, 13) else " "
    if token[1] in "uU" and len(token) == 12:   # a UTF-16 surrogate pair
        high, low = int(token[2:6], 16), int(token[8:12], 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    if token[1] in "ux":
        code = int(token[2:].strip("{}"), 16)
        return chr(code) if code <= 0x10FFFF and code not in (10, 13) and not 0xD800 <= code <= 0xDFFF else " "
    return "." if token.rstrip().lower().endswith("2e") else "@"


def decode(text: str) -> str:
    """The text as a reader would see it (line breaks kept where they are)."""
    for _ in range(3):  # double-encoded forms (&amp;#64;, %2540) take more than one pass
        if "&" not in text and "%" not in text and "\\" not in text:
            break
        decoded = _ENCODED.sub(_decode_one, text)
        if decoded == text:
            break
        text = decoded
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
        for stop in _FULL_STOPS:  # str.replace: far faster than str.translate on large texts
            if stop in text:
                text = text.replace(stop, ".")
    return text


def unspell(text: str) -> str:
    """'jane [at] example [dot] org' -> 'jane@example.org' (and the other spelled forms)."""
    text = _BRACKET_AT.sub("@", text)
    text = _BRACKET_DOT.sub("\x1e", text)  # a marker, so that only these dots lose their spaces
    # The quick substring tests spare the slower patterns on the texts they cannot change.
    if " @" in text or "\t@" in text or "\x1e" in text:
        text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text).replace("\x1e", ".")
    if _WORDY_HINT.search(text):
        text = _WORDY.sub(_join_wordy, text)
    return text


def _join_wordy(match: re.Match) -> str:
    return f"@{_WORD_DOT.sub('.', match.group(1))}.{match.group(2)}"


def _plain(text: str) -> list[int]:
    """Offsets where addresses start."""
    starts = []
    for match in DOMAIN_AFTER_AT.finditer(text):
        at = match.start()
        if at == 0 or not LOCAL_PART.match(text, at - 1):
            continue
        if match.group(0).rsplit(".", 1)[-1].lower() in NOT_DOMAINS:
            continue
        start = at - 1
        while start > 0 and at - start < 64 and LOCAL_PART.match(text, start - 1):
            start -= 1
        starts.append(start)
    return starts


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def find_addresses(text: str) -> list[tuple[int, int]]:
    """(line, column) of each e-mail address in text, in any of the forms above, one per line
    at most for encoded forms (whose column is that of the line's start)."""
    found = {_position(text, start) for start in _plain(text)}
    lines_with_plain = {line for line, _ in found}
    readable = unspell(decode(text))
    if readable != text:
        for start in _plain(readable):
            line, _column = _position(readable, start)
            if line not in lines_with_plain:
                found.add((line, 1))
                lines_with_plain.add(line)
    return sorted(found)
