"""Contact without revealing an address: messages sealed in the reader's browser.

A member who allows contact (`contact: true`, the default) and has a public key (`key:`) gets
a Contact form on their profile and on their cases.  The page encrypts the message with age
to that key, and to the editors' keys (users/editors.recipients) when the member chose
`contact_copy_editors: true`; the sender's name and reply details are inside the sealed text.
The sealed text then goes where the member chose (`contact_via`):

- `issue` (default): the Git host's new-issue form, pre-filled with the title
  "Message for @member" and a body that is only the armored ciphertext.  The settings'
  `contact_url` is that form's address with {title} and {body} (and {username}); by default
  `<repository_url>/issues/new?title={title}&body={body}`.  Too long for an address, or a
  `contact_url` without {body}: the page shows the sealed text to paste into the form.
- `copy`: the page shows the sealed text for the sender to pass on through any channel.

No server takes part, and nothing is sent anywhere before the sender chooses to post it.
`site-gen users inbox` (site_gen.people.inbox) opens the messages.  A member without a key
gets a plain explanation instead of a form; `contact: false` removes the form everywhere.
Editors can always write to members (they hold the addresses); anyone reaches the editors
through the private report channel (`report_url`, `privacy_contact`), never a public issue.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import quote

from ..model.case import User
from ..model.problems import Problem, ProblemsFound
from . import crypto
from .settings import Settings

# The sealing script (site_gen/site/sealing, built by .ci/install) and where it is published.
SEAL_SCRIPT = "assets/case-library/seal.js"
SEALING_FOLDER = "site_gen/site/sealing"
BUILD_COMMAND = (f"npm ci --no-audit --no-fund --prefix {SEALING_FOLDER} && "
                 f"npm run build --prefix {SEALING_FOLDER}")
VIA_ISSUE, VIA_COPY = "issue", "copy"
DEFAULT_ISSUE_FORM = "/issues/new?title={title}&body={body}"


@dataclass(frozen=True)
class ContactChoice:
    """What a page offers for one member: a form (`keys` set) or the reason there is none."""
    username: str
    name: str
    keys: list[str] = field(default_factory=list)   # the member's key, then the editors' keys if copied
    copy_editors: bool = False
    via: str = VIA_ISSUE
    post_url: str = ""      # the Git host's form, with {title} and {body}; "" when there is none
    reason: str = ""        # "opted-out" or "no-key" when there is no form
    editors_url: str = ""   # the private channel to the editors

    @property
    def form(self) -> bool:
        return bool(self.keys)


def _fill(template: str, **values: str) -> str:
    out = template
    for name, value in values.items():
        out = out.replace("{" + name + "}", quote(value, safe=""))
    return out


def post_url(user: User, settings: Settings) -> str:
    """The Git host's new-issue form for a message to `user`, keeping {title} and {body} for the page."""
    if settings.contact_url:
        return _fill(settings.contact_url, username=user.username)
    if settings.repository_url:
        return settings.repository_url.rstrip("/") + DEFAULT_ISSUE_FORM
    return ""


def editors_link(settings: Settings) -> str | None:
    """The private channel to the editors (never a public issue)."""
    if settings.privacy_contact:
        return settings.privacy_contact
    if settings.report_url:
        return _fill(settings.report_url, case="")
    if settings.repository_url:
        return settings.repository_url.rstrip("/") + "/security/advisories/new"
    return None


def report_link(case_slug: str, settings: Settings) -> str | None:
    if settings.report_url:
        return _fill(settings.report_url, case=case_slug)
    if settings.privacy_contact:
        return settings.privacy_contact
    if settings.repository_url:
        return settings.repository_url.rstrip("/") + "/security/advisories/new"
    return None


class ContactDesk:
    """Contact choices of every member, for the page templates."""

    def __init__(self, settings: Settings, editors_keys: list[str] | None):
        self.settings = settings
        self.editors_keys = editors_keys or []

    def choice(self, user: User) -> ContactChoice:
        common = {"username": user.username, "name": user.display_name,
                  "editors_url": editors_link(self.settings) or ""}
        if not user.contact:
            return ContactChoice(reason="opted-out", **common)
        if not user.key:
            return ContactChoice(reason="no-key", **common)
        keys = [user.key]
        if user.contact_copy_editors:
            keys += [k for k in self.editors_keys if k != user.key]
        url = post_url(user, self.settings)
        via = user.contact_via if url else VIA_COPY
        return ContactChoice(keys=keys, copy_editors=user.contact_copy_editors, via=via,
                             post_url=url if via == VIA_ISSUE else "", **common)


def contact_desk(root, users, settings: Settings) -> ContactDesk:
    """The desk for a library; a member who copies the editors needs users/editors.recipients."""
    copying = [u for u in users if u.contact and u.key and u.contact_copy_editors]
    editors_keys = None
    if copying:
        try:
            editors_keys = crypto.editors_recipients(root)
        except crypto.KeyProblem as problem:
            first = sorted(u.username for u in copying)[0]
            raise ProblemsFound([Problem(f"users/{first}.yml", 0, 0,
                                         f"'contact_copy_editors' needs the editors' keys, but {problem}")]) from None
    return ContactDesk(settings, editors_keys)


def sealing_script(built=None) -> bytes:
    """The built sealing script; a clear build problem when it has not been built."""
    built = built or resources.files("site_gen.site").joinpath("assets", "built", "seal.js")
    try:
        return built.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise ProblemsFound([Problem(
            f"{SEALING_FOLDER}/", 0, 0,
            "the script that seals Contact messages in the reader's browser has not been built. "
            f"Run: {BUILD_COMMAND}  (bash .ci/install does it too)")]) from None


def site_files(desk: ContactDesk, users) -> dict[str, bytes]:
    """Files the site needs for its Contact forms: the sealing script, when any form is shown."""
    if any(desk.choice(u).form for u in users):
        return {SEAL_SCRIPT: sealing_script()}
    return {}
