"""Contact forms on the generated pages: every member's choice honoured, keys as chosen."""
from __future__ import annotations

import json

import pytest

from site_gen.model.problems import ProblemsFound
from site_gen.people import contact
from site_gen.site.build import generate_site
from tests.conftest import CASE_YAML
from tests.people.test_site import mkdocs_build, write_config


def _forms(page: str) -> list[str]:
    return [chunk.split(">", 1)[0] for chunk in page.split('<form class="sg-contact__form"')[1:]]


def _attribute(form: str, name: str) -> str:
    return form.split(f'{name}="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def _drop_key(people, username: str) -> None:
    path = people.root / "users" / f"{username}.yml"
    path.write_text("".join(line for line in path.read_text().splitlines(keepends=True) if not line.startswith("key:")))


def _board_public(people) -> str:
    return (people.root / "users" / "editors.recipients").read_text().split("\n")[1].strip()


def test_forms_honour_each_members_choice(people, tmp_path):
    write_config(people.root)
    people.add("open")
    people.add("shy", "--no-contact")
    people.add("keyless")
    _drop_key(people, "keyless")
    people.add("careful", "--copy-editors")
    people.add("private", "--contact-via", "copy")
    people.repo.case("group", text=CASE_YAML.replace("[adoe]", "[open, shy, keyless, careful, private]"))
    site = generate_site(people.root, tmp_path / "cache")
    users = {u: (people.root / "users" / f"{u}.yml").read_text() for u in ("open", "careful")}
    own_key = {u: next(line[5:].strip() for line in text.splitlines() if line.startswith("key:"))
               for u, text in users.items()}

    case_forms = _forms(site.pages["cases/group.md"])
    assert [_attribute(f, "data-username") for f in case_forms] == ["open", "careful", "private"]
    by_user = {_attribute(f, "data-username"): f for f in case_forms}
    assert _attribute(by_user["open"], "data-keys") == own_key["open"]
    assert _attribute(by_user["careful"], "data-keys") == f"{own_key['careful']},{_board_public(people)}"
    assert _attribute(by_user["careful"], "data-copy-editors") == "yes"
    assert _attribute(by_user["open"], "data-post-url") == \
        "https://github.com/example/radiology-teaching-cases/issues/new?title={title}&body={body}"
    assert (_attribute(by_user["private"], "data-via"), _attribute(by_user["private"], "data-post-url")) == ("copy", "")
    assert "contact.js" in site.pages["cases/group.md"] and contact.SEAL_SCRIPT in site.files

    # The opted-out member and the member without a key: no form anywhere, a plain reason on the profile.
    shy, keyless = site.pages["contributors/shy.md"], site.pages["contributors/keyless.md"]
    assert _forms(shy) == [] and _forms(keyless) == []
    assert "does not take messages through the library" in shy
    assert "needs a public key in their profile" in keyless
    for page in (shy, keyless):  # the editors stay reachable, privately
        assert "write to the editors privately" in page and "/security/advisories/new" in page
        assert "contact.js" not in page
    assert "shy" not in "".join(case_forms) and "keyless" not in "".join(case_forms)
    assert not any("mailto:" in page or "@hospital.example.org" in page for page in site.pages.values())


def test_opted_out_members_appear_in_no_built_page_or_index(people, tmp_path):
    write_config(people.root)
    people.add("shy", "--no-contact")
    people.repo.case("quiet", text=CASE_YAML.replace("[adoe]", "[shy]"))
    out = tmp_path / "out"
    result = mkdocs_build(people.root, out, tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    built = {p.relative_to(out).as_posix(): p.read_text(errors="replace") for p in out.rglob("*")
             if p.suffix in (".html", ".json")}
    assert not any('data-username="shy"' in text or "Contact Shy" in text for text in built.values())
    index = json.loads(built["search/search_index.json"])
    assert not any("Seal the message" in doc["text"] for doc in index["docs"])
    # adoe (the editor, contact allowed, with a key) has a form, kept out of the search index.
    assert 'data-username="adoe"' in built["contributors/adoe/index.html"]
    assert (out / "assets" / "case-library" / "seal.js").is_file()


def test_contact_url_is_the_form_to_post_to(people, tmp_path):
    write_config(people.root)
    config = people.root / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      suspend_after_phi_strikes: 2\n",
        "      suspend_after_phi_strikes: 2\n"
        "      contact_url: https://git.example.net/lib/-/issues/new?issue[title]={title}&issue[description]={body}"
        "&for={username}\n"))
    site = generate_site(people.root, tmp_path / "cache")
    form = _forms(site.pages["contributors/adoe.md"])[0]
    assert _attribute(form, "data-post-url") == \
        "https://git.example.net/lib/-/issues/new?issue[title]={title}&issue[description]={body}&for=adoe"


def test_copying_the_editors_needs_their_keys(people, tmp_path):
    people.add("careful", "--copy-editors")
    (people.root / "users" / "editors.recipients").write_text("# no keys yet\n")
    with pytest.raises(ProblemsFound) as raised:
        generate_site(people.root, tmp_path / "cache")
    assert "users/careful.yml" in raised.value.report() and "contact_copy_editors" in raised.value.report()


def test_a_missing_sealing_script_names_the_command_that_builds_it(tmp_path):
    with pytest.raises(ProblemsFound) as raised:
        contact.sealing_script(tmp_path / "seal.js")
    report = raised.value.report()
    assert "npm ci --no-audit --no-fund --prefix site_gen/site/sealing" in report
    assert "npm run build --prefix site_gen/site/sealing" in report
