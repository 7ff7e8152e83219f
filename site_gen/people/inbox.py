"""Sealed messages addressed to a member: found on the Git host or in pasted text, then opened.

Messages come from the Contact forms (site_gen.people.contact): an issue titled
"Message for @member" whose body is an ASCII-armored age message, or the same armored text
passed on through any other channel.  Reading from the Git host uses its REST API (GitHub:
`GET /repos/{owner}/{repo}/issues`) with the standard library; a token is optional for a
public repository and sent only to the API's own host.  Nothing here trusts the text it
reads: sizes are bounded, and control characters that could drive the terminal are removed
before anything is shown.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

import pyrage

from .crypto import Identity

TITLE = re.compile(r"^\s*Message for @([A-Za-z0-9][A-Za-z0-9-]{0,38})\s*$", re.IGNORECASE)
ARMORED = re.compile(r"-----BEGIN AGE ENCRYPTED FILE-----\s*\n(.*?)-----END AGE ENCRYPTED FILE-----", re.DOTALL)
MAX_MESSAGE_BYTES = 256 * 1024          # far above what the form can make (4,000 characters)
MAX_PAGES = 50                          # 5,000 issues at 100 a page
API_VERSION = "2022-11-28"
# Characters that would let a sender drive the terminal or reorder what is shown.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class InboxProblem(Exception):
    """The messages cannot be fetched or read; the message says why in plain words."""


@dataclass
class Sealed:
    """One sealed message as found: where from, and its armored text."""
    armored: str
    source: str                      # "issue #12" or "pasted text, message 1"
    member: str = ""                 # the @member of the issue title ("" for pasted text)
    url: str = ""
    posted: str = ""                 # ISO date of the issue
    poster: str = ""                 # the Git host account that posted it


@dataclass
class Opened:
    sealed: Sealed
    text: str
    headers: dict[str, str] = field(default_factory=dict)


def printable(text: str) -> str:
    """Text safe to print on a terminal: no escape sequences, no bidirectional overrides."""
    return _UNSAFE.sub("\N{REPLACEMENT CHARACTER}", text)


def armored_blocks(text: str) -> list[str]:
    """Every armored age message in text, however it was quoted or indented in transit."""
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        # "> " quoting of e-mail replies, indentation, and Markdown code fences.
        lines.append(re.sub(r"^[\s>]*", "", line).rstrip())
    cleaned = "\n".join(line for line in lines if not line.startswith("```"))
    blocks = []
    for match in ARMORED.finditer(cleaned):
        body = "".join(match.group(1).split())
        blocks.append("-----BEGIN AGE ENCRYPTED FILE-----\n"
                      + "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
                      + "\n-----END AGE ENCRYPTED FILE-----\n")
    return blocks


def from_text(text: str, label: str = "pasted text") -> list[Sealed]:
    blocks = armored_blocks(text)
    return [Sealed(armored=block, source=f"{label}, message {n}" if len(blocks) > 1 else label)
            for n, block in enumerate(blocks, start=1)]


# -- the Git host ------------------------------------------------------------------------

@dataclass(frozen=True)
class Repository:
    api: str          # e.g. https://api.github.com
    owner: str
    name: str

    @property
    def issues_url(self) -> str:
        return f"{self.api.rstrip('/')}/repos/{self.owner}/{self.name}/issues"


def repository_from(repository_url: str, *, slug: str = "", api_url: str = "") -> Repository:
    """The repository's API address from the site's repository_url (or --repository/--api-url)."""
    host = ""
    if slug:
        owner, _, name = slug.partition("/")
    else:
        parts = urlsplit(repository_url or "")
        host = parts.hostname or ""
        path = [p for p in parts.path.split("/") if p]
        if not host or len(path) < 2:
            raise InboxProblem("the Git repository is not known: set repository_url in mkdocs.yml (case-library "
                               "plugin) or give --repository OWNER/NAME, or read pasted messages with --file")
        owner, name = path[0], path[1].removesuffix(".git")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", owner or "") or not re.fullmatch(r"[A-Za-z0-9_.-]+", name or ""):
        raise InboxProblem("the repository must be given as OWNER/NAME, e.g. example/radiology-teaching-cases")
    if not api_url:
        # GitHub's API lives on its own host; GitHub Enterprise serves it under /api/v3.
        api_url = "https://api.github.com" if host in ("", "github.com", "www.github.com") else f"https://{host}/api/v3"
    if not api_url.startswith(("https://", "http://")):
        raise InboxProblem("--api-url must be a web address (https://...)")
    return Repository(api=api_url, owner=owner, name=name)


def _next_link(header: str | None) -> str | None:
    for part in (header or "").split(","):
        match = re.match(r'\s*<([^>]+)>\s*;\s*rel="next"', part)
        if match:
            return match.group(1)
    return None


def _get(url: str, token: str, timeout: float) -> tuple[list, str | None]:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION,
               "User-Agent": "site-gen-inbox"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with urlopen(Request(url, headers=headers), timeout=timeout) as response:
            data = response.read(32 * 1024 * 1024 + 1)
            link = response.headers.get("Link")
    except HTTPError as error:
        if error.code == 401:
            raise InboxProblem("the Git host refused the token (401): check that GITHUB_TOKEN (or --token-file) "
                               "holds a valid token") from None
        if error.code == 403 or error.code == 429:
            raise InboxProblem(f"the Git host refused the request ({error.code}): its limit for reading without a "
                               "token may be reached; set GITHUB_TOKEN to a token that can read the "
                               "repository's issues, or try again later") from None
        if error.code == 404:
            raise InboxProblem("the Git host does not know this repository (404): check repository_url or "
                               "--repository; a private repository needs a token (GITHUB_TOKEN)") from None
        raise InboxProblem(f"the Git host answered with an error ({error.code} {error.reason})") from None
    except URLError as error:
        raise InboxProblem(f"cannot reach the Git host ({urlsplit(url).hostname}): {error.reason}; without a "
                           "connection, paste the sealed message into a file and use --file") from None
    except (TimeoutError, OSError) as error:
        raise InboxProblem(f"cannot reach the Git host ({urlsplit(url).hostname}): {error}") from None
    if len(data) > 32 * 1024 * 1024:
        raise InboxProblem("the Git host's answer is too large to be a list of issues")
    try:
        items = json.loads(data.decode("utf-8"))
    except (UnicodeError, ValueError):
        raise InboxProblem("the Git host's answer is not the expected list of issues (not JSON)") from None
    if not isinstance(items, list):
        raise InboxProblem("the Git host's answer is not the expected list of issues")
    return items, link


def from_git_host(repository: Repository, *, token: str = "", include_closed: bool = False,
                  member: str = "", timeout: float = 30.0) -> tuple[list[Sealed], int]:
    """Sealed messages in the repository's issues (newest first), and how many issues titled
    "Message for @..." held no sealed text."""
    query = urlencode({"state": "all" if include_closed else "open", "per_page": 100,
                       "sort": "created", "direction": "desc"})
    url: str | None = f"{repository.issues_url}?{query}"
    api_host = urlsplit(repository.api).netloc
    found: list[Sealed] = []
    without_seal = 0
    for _ in range(MAX_PAGES):
        if url is None:
            break
        items, link = _get(url, token, timeout)
        for item in items:
            if not isinstance(item, dict) or "pull_request" in item:
                continue
            title = TITLE.match(str(item.get("title") or ""))
            if not title or (member and title.group(1).lower() != member.lower()):
                continue
            body = str(item.get("body") or "")
            blocks = armored_blocks(body[:MAX_MESSAGE_BYTES * 2])
            if not blocks:
                without_seal += 1
                continue
            user = item.get("user") if isinstance(item.get("user"), dict) else {}
            found.append(Sealed(armored=blocks[0], source=f"issue #{item.get('number')}", member=title.group(1),
                                url=str(item.get("html_url") or ""), posted=str(item.get("created_at") or "")[:10],
                                poster=str(user.get("login") or "")))
        url = _next_link(link)
        # The token goes only to the API's own host, whatever a Link header says.
        if url is not None and urlsplit(url).netloc != api_host:
            raise InboxProblem("the Git host pointed to another server for the next page; stopped there")
    return found, without_seal


# -- opening -----------------------------------------------------------------------------

def open_message(sealed: Sealed, identities: list[Identity]) -> Opened | None:
    """The message's text, or None when none of the keys can open it.  A damaged message
    raises InboxProblem."""
    data = sealed.armored.encode("ascii", errors="replace")
    if len(data) > MAX_MESSAGE_BYTES * 2:
        raise InboxProblem(f"{sealed.source} is too large to be a message from the Contact form")
    try:
        plain = pyrage.decrypt(data, identities)
    except pyrage.DecryptError as error:
        if "No matching keys" in str(error):
            return None
        raise InboxProblem(f"{sealed.source} is damaged and cannot be opened ({error})") from None
    except ValueError as error:
        raise InboxProblem(f"{sealed.source} is damaged and cannot be opened ({error})") from None
    text = plain[:MAX_MESSAGE_BYTES].decode("utf-8", errors="replace")
    return Opened(sealed=sealed, text=text, headers=letter_headers(text))


def letter_headers(text: str) -> dict[str, str]:
    """The 'Name: value' lines the Contact form writes before the message itself."""
    headers = {}
    for line in text.split("\n"):
        if not line.strip():
            break
        name, sep, value = line.partition(":")
        if not sep or len(name) > 40:
            break
        headers[name.strip().lower()] = value.strip()
    return headers
