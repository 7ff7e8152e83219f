"""Web addresses and IP addresses (reference links such as doi.org are citations, not PHI)."""
from __future__ import annotations

import ipaddress
import re

from site_gen.phi.finding import Category

from ..lexicon import word_set
from .base import Recognizer

# Generic and common country top-level domains; bare "name.tld" needs one of these.
_TLDS = ("com|org|net|edu|gov|mil|int|info|biz|io|co|me|health|hospital|app|dev|online|site|"
         "uk|au|nz|ca|us|de|fr|es|it|nl|be|ch|at|dk|se|no|fi|is|pl|cz|sk|hu|ro|bg|gr|cy|pt|ie|"
         "br|uy|ar|cl|mx|jp|cn|in|ru|ua|ee|lv|lt|si|hr|rs|tr|il|za|sg|hk|kr|tw")
_GENERIC_TLDS = "com|org|net|edu|gov|mil|info|biz|io|health"
_URL = re.compile(
    r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'()\[\]{}|]+"
    # bare "name.com" or "name.co.uk"; a country code alone ("secretions.no") needs a path
    r"|(?<![@\w.-])(?:[A-Za-z0-9-]+\.)+(?:(?:" + _GENERIC_TLDS + r")(?:\.(?:" + _TLDS + r"))?|(?:co|ac|org|gov|net|com)\.(?:" + _TLDS + r"))(?:/[^\s<>\"'()\[\]{}|]*)?(?![\w@-])"
    r"|(?<![@\w.-])(?:[A-Za-z0-9-]+\.)+(?:" + _TLDS + r")/[^\s<>\"'()\[\]{}|]+",
    re.IGNORECASE)
_IPV4 = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{1,4})*(?![\w:])")
_FILE_EXT = re.compile(r"\.(?:png|jpe?g|gif|dcm|nii|gz|yml|yaml|md|txt|pdf|csv|json|py|html?)$", re.I)


class UrlIpRecognizer(Recognizer):
    name = "url_ip"
    category = Category.URL_IP
    description = "a web or IP address"

    def find(self, text):
        if "." in text:
            safe_hosts = word_set("safe_url_hosts")
            for m in _URL.finditer(text):
                value = m.group(0).rstrip(".,;:!?")
                host = re.sub(r"^(?:[a-z]+://)", "", value.lower()).split("/")[0].split(":")[0]
                if host.startswith("www."):
                    host_bare = host[4:]
                else:
                    host_bare = host
                if host in safe_hosts or host_bare in safe_hosts or any(host.endswith("." + h) for h in safe_hosts):
                    continue
                if "://" not in value and not value.lower().startswith("www.") and _FILE_EXT.search(value):
                    continue
                if "://" not in value and re.fullmatch(r"(?:[a-z]\.){1,3}[a-z]{1,2}\.?", value.lower()):
                    continue  # "e.g", "i.e." style abbreviations
                yield self.span(m.start(), m.start() + len(value), 0.9)
            for m in _IPV4.finditer(text):
                yield self.span(m.start(), m.end(), 0.9)
        if text.count(":") >= 2:
            for m in _IPV6.finditer(text):
                try:
                    ipaddress.IPv6Address(m.group(0))
                except ValueError:
                    continue
                yield self.span(m.start(), m.end(), 0.9)
