"""Sealed messages (site_gen.people.contact) in a real headless Chromium (the `browser`
fixture of tests/site/conftest.py), opened again by `site-gen users inbox`.

A small library with members who chose differently is built with MkDocs and served on
localhost under a strict Content-Security-Policy (script-src 'self': no inline script, no
eval, no WebAssembly).  A message typed into a Contact form must come out of the inbox with
the member's key only, and the page must make no request to any other origin.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from site_gen.cli import main
from tests.conftest import CASE_YAML, REPO_ROOT, RepoBuilder
from tests.people.fake_github import FakeGitHub
from tests.people.helpers import age_key
from tests.site.conftest import recorded_page

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
MESSAGE = "Dear colleague, may I use your pneumothorax case in a lecture?\nThank you — ありがとう."


class Library:
    """The built and served library, with each member's private key."""

    def __init__(self, root: Path, url: str, keys: dict[str, Path]):
        self.root, self.url, self.keys = root, url, keys

    def inbox(self, identity: Path, *extra: str) -> tuple[int, str, str]:
        result = subprocess.run([sys.executable, "-m", "site_gen", "--root", str(self.root), "users", "inbox",
                                 "--identity", str(identity), *extra], capture_output=True, text=True,
                                env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
        return result.returncode, result.stdout, result.stderr


def _add(root: Path, username: str, public: str, *extra: str) -> None:
    code = main(["--root", str(root), "users", "add", "--yes", "--username", username, "--first-name",
                 username.title(), "--surname", "Tester", "--position", "fellow", "--country", "GB",
                 "--email", f"{username}@hospital.example.org", "--key", public, *extra])
    assert code == 0


class _CspHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    base = tmp_path_factory.mktemp("contact")
    keys_dir = base / "keys"
    keys_dir.mkdir()
    repo = RepoBuilder(base / "repo")
    root = repo.root
    keys: dict[str, Path] = {}
    keys["board"], board_public = age_key(keys_dir, "board")
    (root / "users" / "editors.recipients").write_text(f"{board_public}\n")
    for name, extra in (("adoe", ()), ("open", ()), ("shy", ("--no-contact",)), ("private", ("--contact-via", "copy"))):
        keys[name], public = age_key(keys_dir, name)
        _add(root, name, public, *extra)
    # A member whose key is an SSH key, who copies the editors.
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(keys_dir / "careful")], check=True)
    keys["careful"] = keys_dir / "careful"
    _add(root, "careful", str(keys_dir / "careful.pub"), "--copy-editors")
    repo.case("group", text=CASE_YAML.replace("[adoe]", "[open, shy]"))
    shutil.copy(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", root / "docs")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    out = base / "site"
    env = dict(os.environ, SITE_GEN_CACHE=str(base / "cache"), NO_MKDOCS_2_WARNING="1", SITE_URL=url)
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(out)],
                           capture_output=True, text=True, env=env, cwd=root)
    assert built.returncode == 0, built.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_CspHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Library(root, url, keys)
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser, library):
    """A page recording every request and every Content-Security-Policy violation."""
    with recorded_page(browser, width=1200) as page:
        page.add_init_script("""window.__violations = [];
            document.addEventListener('securitypolicyviolation', e => window.__violations.push(
                {directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile || ''}));""")
        yield page


def _own_violations(page) -> list[dict]:
    """Violations caused by the library's contact scripts, or by any eval or WebAssembly."""
    return [v for v in page.evaluate("() => window.__violations")
            if "case-library/contact" in v["source"] or "case-library/seal" in v["source"]
            or v["blocked"] in ("eval", "wasm-eval")]


def _seal(page, form, sender="Jane Roe", reply="jane.roe@clinic.example.net", message=MESSAGE) -> str:
    form.locator("xpath=ancestor::details").locator("summary").click()
    form.locator(".sg-contact__sender").fill(sender)
    form.locator(".sg-contact__reply").fill(reply)
    form.locator(".sg-contact__message").fill(message)
    form.locator(".sg-contact__seal").click()
    page.wait_for_function("f => f.dataset.sealed === 'yes' || f.querySelector('.sg-contact__status--error')",
                           arg=form.element_handle(), timeout=20000)
    assert form.get_attribute("data-sealed") == "yes", form.locator(".sg-contact__status").inner_text()
    return form.locator(".sg-contact__sealed").input_value()


def test_a_message_sealed_in_the_browser_opens_only_with_the_members_key(page, library, tmp_path):
    page.goto(library.url + "contributors/")
    page.evaluate("() => { window.__samePage = true; }")  # survives only Material's instant navigation
    page.locator("a[href$='contributors/open/']").first.click()
    page.wait_for_url("**/contributors/open/")
    form = page.locator("form.sg-contact__form[data-username='open']")
    sealed = _seal(page, form)
    assert page.evaluate("() => window.__samePage === true")
    assert sealed.startswith("-----BEGIN AGE ENCRYPTED FILE-----") and "pneumothorax" not in sealed

    # The Git host's issue form, pre-filled: the title names the member, the body is only the seal.
    post = form.locator(".sg-contact__post")
    assert post.is_visible()
    href = urlsplit(post.get_attribute("href"))
    assert (href.netloc, href.path) == ("github.com", "/example/radiology-teaching-cases/issues/new")
    query = parse_qs(href.query)
    assert query["title"] == ["Message for @open"] and query["body"] == [sealed]

    message_file = tmp_path / "sealed.txt"
    message_file.write_text(query["body"][0])
    code, out, err = library.inbox(library.keys["open"], "--file", str(message_file))
    assert code == 0, err
    assert "Dear colleague, may I use your pneumothorax case in a lecture?" in out and "ありがとう" in out
    assert "From: Jane Roe" in out and "Reply to: jane.roe@clinic.example.net" in out and "To: @open" in out
    for other in ("shy", "board"):  # another member, and the editors (not copied by this member)
        code, out, err = library.inbox(library.keys[other], "--file", str(message_file))
        assert code == 1 and "lecture" not in out and "none of these messages can be opened" in err
        assert "Traceback" not in err

    # The same seal posted as an issue, read back through the Git host's API.
    with FakeGitHub(owner="example", repo="radiology-teaching-cases") as fake:
        fake.issue(7, query["title"][0], query["body"][0], login="jroe")
        code, out, err = library.inbox(library.keys["open"], "--api-url", fake.url)
        assert code == 0 and "lecture" in out and "issue #7, for @open" in out, err

    origin = urlsplit(library.url).netloc
    assert any(url.endswith("/assets/case-library/seal.js") for url in page.requests)
    assert {urlsplit(url).netloc for url in page.requests if urlsplit(url).scheme in ("http", "https")} == {origin}
    assert _own_violations(page) == []


def test_copies_for_the_editors_and_ssh_keys(page, library, tmp_path):
    page.goto(library.url + "contributors/careful/")
    form = page.locator("form.sg-contact__form[data-username='careful']")
    assert "and the library's editors" in form.locator(".sg-contact__about").text_content()
    message_file = tmp_path / "sealed.txt"
    message_file.write_text(_seal(page, form, message="Please check the licence of series 2."))
    for reader in ("careful", "board"):  # the member's SSH key, and the editors' key
        code, out, err = library.inbox(library.keys[reader], "--file", str(message_file))
        assert code == 0 and "Please check the licence of series 2." in out, err
        assert "Copied to the editors: yes" in out
    code, _, _ = library.inbox(library.keys["open"], "--file", str(message_file))
    assert code == 1
    assert _own_violations(page) == []


def test_a_member_who_chose_copying_gets_the_sealed_text_only(page, library):
    page.goto(library.url + "contributors/private/")
    form = page.locator("form.sg-contact__form[data-username='private']")
    sealed = _seal(page, form)
    assert sealed.startswith("-----BEGIN AGE ENCRYPTED FILE-----")
    assert not form.locator(".sg-contact__post").is_visible()
    assert "through any channel you share" in form.locator(".sg-contact__next").inner_text()
    form.locator(".sg-contact__copy").click()
    # the clipboard answers asynchronously: wait for the status rather than race it
    form.locator(".sg-contact__status").filter(has_text="cop").wait_for(timeout=5000)
    assert "github.com" not in " ".join(page.requests)


def test_a_long_message_is_pasted_rather_than_put_in_the_address(page, library, tmp_path):
    page.goto(library.url + "contributors/open/")
    form = page.locator("form.sg-contact__form[data-username='open']")
    long_text = "肺の結節について質問があります。" * 250  # 4,000 characters, 12,000 bytes
    sealed = _seal(page, form, message=long_text)
    query = parse_qs(urlsplit(form.locator(".sg-contact__post").get_attribute("href")).query, keep_blank_values=True)
    assert query["title"] == ["Message for @open"] and query["body"] == [""]
    assert "paste the sealed text" in form.locator(".sg-contact__next").inner_text()
    message_file = tmp_path / "long.txt"
    message_file.write_text(sealed)
    code, out, _ = library.inbox(library.keys["open"], "--file", str(message_file))
    assert code == 0 and long_text in out.replace("\n   ", "")


def test_opted_out_members_have_no_form(page, library):
    page.goto(library.url + "contributors/shy/")
    assert page.locator("form.sg-contact__form").count() == 0
    assert "does not take messages through the library" in page.locator(".sg-contact__none").inner_text()
    page.goto(library.url + "cases/group/")
    forms = page.locator("form.sg-contact__form")
    assert forms.count() == 1 and forms.first.get_attribute("data-username") == "open"
    assert page.get_by_text("Contact Shy Tester").count() == 0
    assert _own_violations(page) == []


def test_without_scripts_nothing_can_be_sent(browser, library):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(library.url + "contributors/open/")
    page.locator("details.sg-contact__box summary").click()
    assert page.locator(".sg-contact__sender").is_disabled()  # the fieldset stays disabled
    assert "needs JavaScript" in page.locator(".sg-contact__status").inner_text()
    context.close()
