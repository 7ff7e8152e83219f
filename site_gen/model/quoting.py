"""Quote a value in a message only when it cannot be patient information.

Validation messages reach the terminal, CI logs and the public review comment, so a value a
contributor typed is shown only if it comes from a closed vocabulary (an allowed value, a
known field name) or the PHI text detector finds it clean, alone and in a sentence that makes
institutions stand out, as written and capitalised; and it is short, on one line, with no e-mail sign, no run of
digits and no joined-up capitalised words (JohnSmith).  Anything else is shown as its masked
shape, e.g. [Xxxx Xxxxx], and the message says where it is (path:line:column).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

MAX_SHOWN = 40
_RISKY = re.compile(r"[@\n\r\t\x00-\x1f\x7f]|\d{3,}|[a-z][A-Z]|&#|%[0-9A-Fa-f]{2}|\\[xuU]")


@lru_cache(maxsize=4096)
def is_clean(value: str) -> bool:
    """True when `value` may be shown: short, plain, and the PHI text detector finds nothing."""
    if not value or len(value) > MAX_SHOWN or _RISKY.search(value) or not value.isprintable():
        return False
    from ..phi.text import analyze
    # As written and capitalised (a name typed in lower case), alone and where an institution
    # would be recognised by its context.
    return not any(analyze(form) or analyze(f"Seen at {form} today.") for form in {value, value.title()})


def shown(value: object, known: Iterable[str] = ()) -> str:
    """'value' in quotes if it is safe to show, else its masked shape in brackets."""
    from ..phi.finding import mask  # here, not at import: the guard reads YAML through the model
    text = value if isinstance(value, str) else str(value)
    if text in set(known) or is_clean(text):
        return f"'{text}'"
    return f"[{mask(text) or 'hidden'}]"
