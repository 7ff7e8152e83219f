"""The one result type every PHI detector returns, and the categories it reports."""
from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass, field


class Category(str, enum.Enum):
    """Identifier categories (HIPAA Safe Harbor, as listed in the project brief)."""

    NAME = "NAME"                    # patient, relative or staff names
    INITIALS = "INITIALS"
    DATE = "DATE"                    # any date more specific than a year
    AGE_OVER_89 = "AGE_OVER_89"
    ADDRESS = "ADDRESS"              # street, city, geographic unit below state, postal code
    PHONE = "PHONE"                  # telephone and fax
    EMAIL = "EMAIL"
    ID_NUMBER = "ID_NUMBER"          # MRN, UR, HID, accession, SSN, Medicare/NHS, licence...
    VEHICLE = "VEHICLE"
    DEVICE_ID = "DEVICE_ID"          # device identifiers and serial numbers
    URL_IP = "URL_IP"
    INSTITUTION = "INSTITUTION"
    BIOMETRIC = "BIOMETRIC"
    FACE = "FACE"                    # facial photograph
    DICOM_ATTRIBUTE = "DICOM_ATTRIBUTE"  # attribute the confidentiality profile forbids
    CANNOT_VERIFY = "CANNOT_VERIFY"  # unreadable input: fail closed


def mask(value: str) -> str:
    """Mask a detected value so it can be printed: keep its shape, hide every character.

    "John Smith" -> "Xxxx Xxxxx", "07700 900123" -> "99999 999999".  CI logs are public:
    never print the raw value.
    """
    shaped = "".join("X" if c.isupper() else "x" if c.isalpha() else "9" if c.isdigit()
                     else " " if c.isspace() else c for c in value)
    return " ".join(shaped.split())[:40]


@dataclass(frozen=True)
class Span:
    """A detection inside one text string (offsets into that string, end exclusive)."""

    start: int
    end: int
    category: Category
    detector: str
    score: float = 1.0
    # Why it fired, in a few words that never quote the value ("title before a listed surname").
    why: str = field(default="", compare=False)


@dataclass(frozen=True)
class Finding:
    """One piece of suspected PHI at a location in the repository.

    `masked` is safe to print; the raw value is never stored here.
    """

    path: str
    category: Category
    detector: str
    message: str
    masked: str = ""
    line: int | None = None
    column: int | None = None
    box: tuple[int, int, int, int] | None = None  # (left, top, width, height) in pixels
    frame: int | None = None
    # Keyed hash of the raw value (see value_hash): comparable within one run only.
    value_hash: str = field(default="", compare=False)
    # End of the identifier in a text file: the position just after its last character.
    end_line: int | None = field(default=None, compare=False)
    end_column: int | None = field(default=None, compare=False)
    # Hash of the finding's surroundings with every identifier on its line blanked (text files):
    # keeps a code-scanning fingerprint stable when lines move, and says nothing about the value.
    context: str = field(default="", compare=False)
    why: str = field(default="", compare=False)  # the detector's short reason (Span.why)

    def location(self) -> str:
        loc = self.path
        if self.line is not None:
            loc += f":{self.line}:{self.column or 1}"
        if self.frame is not None:
            loc += f" frame {self.frame}"
        if self.box is not None:
            loc += " box {},{},{}x{}".format(*self.box)
        return loc


# A fresh key in every process, never written anywhere: a value hash cannot be matched by hashing
# candidate names or dates, and means nothing outside the run that made it.
_RUN_KEY = secrets.token_bytes(32)


def value_hash(value: str) -> str:
    return hmac.new(_RUN_KEY, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:16]


MAX_SHOWN_PATH = 300


def printable(text: str) -> str:
    """`text` with control, format (bidi) and line-separator characters escaped, and cut to a
    readable length: a file name can neither start a new report line nor hide its end."""
    out = []
    for char in text:
        if char == "\\" or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            out.append("\\\\" if char == "\\" else f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    shown = "".join(out)
    return shown if len(shown) <= MAX_SHOWN_PATH else shown[:MAX_SHOWN_PATH - 20] + "…" + shown[-19:]
