"""The build's leak check finds e-mail addresses however they are written, and nothing else."""
from __future__ import annotations

import pytest

from site_gen.model.addresses import find_addresses
from site_gen.people.leaks import scan_site

HIDDEN = [
    "write to jane.roe@example.com",
    "jane＠example.org",                                   # full-width commercial at
    "jane﹫example.org",                                   # small commercial at
    "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｏｒｇ",                             # everything full width
    "jane&#64;example.org", "jane&#x40;example.org", "jane&#X0040;example.org", "jane&commat;example.org",
    "jane&amp;#64;example.org",                           # encoded twice
    "jane&#64;example&#46;org",
    "mailto:jane%40example.org", "jane%2540example.org",
    "jane\\u0040example.org", "jane\\x40example.org",
    "jane [at] example [dot] org", "jane(at)example.org", "jane {AT} example.org", "jane <at> example.org",
    "jane&lt;at&gt;example.org",
    "jane at example dot org", "Jane AT Example DOT co DOT uk",
    "jane @ example.org",
    "ja\u200bne@exam\u00adple.org",                        # zero-width space, soft hyphen
    "jane@example\u3002org",                              # ideographic full stop
    "连络：张伟@例子.公司",                                  # an address in Chinese script
    "josé@exämple.de",
]

PLAIN = [
    "More at radiopaedia.org and at doi.org/10.1000/xyz",
    "Seen at rest. The dot sign is absent.",
    "icon@2x.png srcset", "5 mg @ 2 hours", "@media (max-width: 40em) { }", "Message for @adoe",
    "MASS AT T12.LEVEL", "&amp; &lt;at&gt; %20", "A&amp;E at 10:30 (at) night",
    "患者は安静時に胸痛。", "Dr A. Doe at St Elsewhere Hospital, dot-like calcification",
    "https://github.com/example/cases/issues/new?title=Message%20for%20%40adoe",
]


@pytest.mark.parametrize("text", HIDDEN)
def test_hidden_addresses_are_found(text):
    assert [line for line, _ in find_addresses(f"<p>first line</p>\n<p>{text}</p>\n<p>last</p>")] == [2]


@pytest.mark.parametrize("text", PLAIN)
def test_ordinary_text_is_not_an_address(text):
    assert find_addresses(text) == []


def test_scan_names_file_and_line_never_the_address(tmp_path):
    site = tmp_path / "site"
    (site / "cases" / "x").mkdir(parents=True)
    (site / "cases" / "x" / "index.html").write_text("<p>ok</p>\n<p>ok</p>\n<p>jane&#64;example.org</p>\n")
    (site / "search").mkdir()
    (site / "search" / "search_index.json").write_text('{"docs": [{"text": "jane\\uff20example.org"}]}')
    found = [str(leak) for leak in scan_site(site)]
    assert found == ["cases/x/index.html:3: an e-mail address", "search/search_index.json:1: an e-mail address"]
    assert "jane" not in " ".join(found)



def test_the_sealing_script_is_known_but_a_changed_copy_is_not(tmp_path):
    from site_gen.people.contact import sealing_script
    script = sealing_script()  # holds the words of the age armor: code, not a message
    site = tmp_path / "site"
    (site / "assets" / "case-library").mkdir(parents=True)
    (site / "assets" / "case-library" / "seal.js").write_bytes(script)
    assert scan_site(site) == []
    (site / "assets" / "case-library" / "seal.js").write_bytes(script + b"\n")
    (site / "assets" / "case-library" / "copy.js").write_bytes(script)
    assert sorted(str(leak).split(":")[0] for leak in scan_site(site)) == \
        ["assets/case-library/copy.js", "assets/case-library/seal.js"]
