"""site-gen users add | show | email | export | rekey | inbox: the member registry, its encrypted
addresses, and the sealed messages sent through the site's Contact forms.

No command prints an e-mail address except `users show --identity` (to the member or an
editor holding a key that can decrypt it) and `users export` (the mailing-service CSV).
"""
from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path

from . import EXIT_OK, EXIT_PROBLEMS, fail_usage, repository_root

POSITIONS = ("consultant radiologist", "registrar/resident", "fellow", "radiographer/technologist",
             "sonographer", "medical student", "other clinician", "other")
OPTIONAL_PUBLIC = ("title", "city", "institution", "country")


def register(commands) -> None:
    parser = commands.add_parser("users", help="add a member profile, show the data kept about a member, "
                                 "export mailing lists")
    sub = parser.add_subparsers(dest="users_command", required=True, parser_class=type(parser))

    add = sub.add_parser("add", help="create users/<username>.yml (asks for anything not given as a flag)")
    add.add_argument("--username", help="your account name on the Git host")
    add.add_argument("--first-name")
    add.add_argument("--surname")
    add.add_argument("--title", help="e.g. Dr, Prof (optional)")
    add.add_argument("--position", help="one of: " + ", ".join(POSITIONS))
    add.add_argument("--country", help="ISO 3166-1 two-letter code, e.g. GB")
    add.add_argument("--city", help="(optional)")
    add.add_argument("--institution", help="(optional)")
    add.add_argument("--public", help="optional fields shown on your public profile, comma-separated: "
                     + ", ".join(OPTIONAL_PUBLIC) + " (default: none)")
    add.add_argument("--email", help="your e-mail address (stored encrypted, never shown)")
    key = add.add_mutually_exclusive_group()
    key.add_argument("--key", help="your public key (age1... or an ssh-ed25519/ssh-rsa public key) or a "
                     "file holding it, e.g. ~/.ssh/id_ed25519.pub; lets you read your own address")
    key.add_argument("--new-key", metavar="FILE", help="create a new age key for you in FILE (keep it "
                     "private, outside the repository) and use it")
    add.add_argument("--no-contact", action="store_true", help="no Contact form for you on the site")
    add.add_argument("--contact-via", choices=("issue", "copy"), default="issue",
                     help="how sealed messages reach you: issue (posted as an issue on the Git host, the "
                     "default) or copy (the sender passes the sealed text on through any channel)")
    add.add_argument("--copy-editors", action="store_true", help="seal messages to you for the editors too")
    add.add_argument("--newsletter", action="store_true", help="receive the newsletter")
    add.add_argument("--yes", "-y", action="store_true", help="never ask: fail if something is missing")
    add.set_defaults(run=run_add)

    show = sub.add_parser("show", help="everything kept about a member; the address with --identity")
    show.add_argument("username")
    show.add_argument("--identity", "-i", help="your private key: an age identity file or SSH private key")
    show.add_argument("--armor", action="store_true", help="print only the encrypted address "
                      "(to decrypt it with the age command, e.g. with a passphrase-protected key)")
    show.set_defaults(run=run_show)

    email = sub.add_parser("email", help="store a new e-mail address for a member")
    email.add_argument("username")
    email.add_argument("--email", help="the new address (asked for if missing)")
    email.set_defaults(run=run_email)

    export = sub.add_parser("export", help="(editors) CSV of addresses for the mailing service")
    export.add_argument("--list", required=True, choices=("newsletter", "announcements"),
                        help="newsletter: members who opted in; announcements: every member")
    export.add_argument("--identity", "-i", required=True, help="an editor's private key")
    export.add_argument("--output", "-o", help="CSV file, outside the repository (default: the screen)")
    export.set_defaults(run=run_export)

    inbox = sub.add_parser("inbox", help="open the sealed messages sent to you through the site's Contact "
                           "forms (from the Git host's issues, or pasted text with --file)")
    inbox.add_argument("--identity", "-i", required=True, help="your private key (age identity file or SSH "
                       "private key); editors: your editor key opens the messages copied to the editors")
    inbox.add_argument("--file", "-f", action="append", metavar="FILE",
                       help="read sealed text from FILE instead of the Git host ('-': paste it, then Ctrl+D); "
                       "may be repeated")
    inbox.add_argument("--member", metavar="USERNAME", help="only messages titled 'Message for @USERNAME'")
    inbox.add_argument("--all", action="store_true", help="include closed issues")
    inbox.add_argument("--repository", metavar="OWNER/NAME", help="the repository whose issues to read "
                       "(default: repository_url in mkdocs.yml)")
    inbox.add_argument("--api-url", metavar="URL", help="the Git host's API (default: https://api.github.com, "
                       "or https://HOST/api/v3 for GitHub Enterprise)")
    inbox.add_argument("--token-file", metavar="FILE", help="a file holding an API token (default: the "
                       "GITHUB_TOKEN or GH_TOKEN variable; none is needed for a public repository)")
    inbox.set_defaults(run=run_inbox)

    rekey = sub.add_parser("rekey", help="(editors) encrypt every address again to the current "
                           "users/editors.recipients and each member's key")
    rekey.add_argument("--identity", "-i", required=True, help="an editor's private key")
    rekey.set_defaults(run=run_rekey)


def _ask(label: str, current: str | None, args, *, required: bool = True, check=None) -> str | None:
    """The flag's value, else a prompt (interactive), else a usage error (scripted)."""
    value = current
    while True:
        if value is not None and value.strip() == "" and not required:
            return None
        if value is not None and value.strip():
            problem = check(value.strip()) if check else None
            if not problem:
                return value.strip()
            if args.yes or not sys.stdin.isatty():
                raise _Usage(f"{label}: {problem}")
            print(f"  {problem}", file=sys.stderr)
        elif args.yes or not sys.stdin.isatty():
            if not required:
                return None
            raise _Usage(f"{label} is missing (give it as a flag, or run without --yes in a terminal)")
        try:
            value = input(f"{label}{'' if required else ' (optional, Enter to skip)'}: ")
        except EOFError:
            raise _Usage(f"{label} is missing") from None


class _Usage(Exception):
    pass


def _check_username(value: str) -> str | None:
    import re
    import unicodedata
    pattern = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
    if not re.fullmatch(pattern, value):
        plain = unicodedata.normalize("NFKC", value)
        if plain != value and re.fullmatch(pattern, plain):
            return f"write it in plain letters and digits, as on the Git host: '{plain}'"
        return "letters, digits and hyphens only, as on the Git host"
    return None


def _check_position(value: str) -> str | None:
    return None if value.lower() in POSITIONS else "choose one of: " + ", ".join(POSITIONS)


def _check_country(value: str) -> str | None:
    from ..model import schema
    codes = schema.load_schema(schema.USER_SCHEMA)["properties"]["country"]["enum"]
    return None if value.upper() in codes else "give the ISO 3166-1 two-letter code, e.g. GB, US, AU, DE"


def _check_public(value: str) -> str | None:
    names = [v.strip() for v in value.split(",") if v.strip()]
    wrong = [n for n in names if n not in OPTIONAL_PUBLIC]
    return f"unknown field(s) {', '.join(wrong)}; choose from {', '.join(OPTIONAL_PUBLIC)}" if wrong else None


def _check_email(value: str) -> str | None:
    from ..people.crypto import is_email
    return None if is_email(value) else "this is not an e-mail address (name@example.org)"


def _read_key(value: str) -> str:
    from ..people.crypto import normalise_recipient, parse_recipient
    candidate = Path(os.path.expanduser(value))
    if not value.startswith(("age1", "ssh-")) and candidate.is_file():
        value = candidate.read_text(encoding="utf-8").strip().splitlines()[0] if candidate.stat().st_size else ""
    parse_recipient(value)
    return normalise_recipient(value)


def run_add(args) -> int:
    from ..people import crypto, registry
    root = repository_root(args)
    try:
        recipients = crypto.editors_recipients(root)
        username = _ask("Username on the Git host", args.username, args, check=_check_username)
        path = registry.profile_path(root, username)
        taken = registry.same_username(root, username)
        if path.exists() or taken:
            same = "" if taken in (None, username) else " (usernames are the same whatever their case, as on the Git host)"
            return fail_usage("users add", f"users/{taken or username}.yml already exists{same}; edit it, or use "
                              "'site-gen users email' to change the address")
        data = {"username": username,
                "first_name": _ask("First name", args.first_name, args),
                "surname": _ask("Surname", args.surname, args),
                "title": _ask("Title", args.title, args, required=False),
                "position": _ask("Professional position (" + ", ".join(POSITIONS) + ")", args.position, args,
                                 check=_check_position).lower(),
                "country": _ask("Country (two-letter code)", args.country, args, check=_check_country).upper(),
                "city": _ask("City", args.city, args, required=False),
                "institution": _ask("Institution", args.institution, args, required=False)}
        public = _ask("Optional fields to show publicly (" + ", ".join(OPTIONAL_PUBLIC) + ", comma-separated)",
                      args.public, args, required=False, check=_check_public)
        data["public"] = [p.strip() for p in (public or "").split(",") if p.strip()]
        address = _ask("E-mail address (stored encrypted)", args.email, args, check=_check_email)
        if args.new_key:
            target = Path(os.path.expanduser(args.new_key)).resolve()
            if target.is_relative_to(root):
                return fail_usage("users add", "keep your new private key outside the repository "
                                  "(for example ~/.config/site-gen/key.txt)")
            if target.exists():
                return fail_usage("users add", f"{target} already exists; choose another file")
            own_key = crypto.generate_identity(target)
            print(f"Created your private key in {target}: keep it safe and never share it.", file=sys.stderr)
        else:
            raw = _ask("Your public key (age1..., ssh-ed25519 ..., or a .pub file)", args.key, args,
                       check=lambda v: _key_problem(v))
            own_key = _read_key(raw)
        data["key"] = own_key
        data["contact"] = not args.no_contact
        data["contact_via"] = args.contact_via
        data["contact_copy_editors"] = bool(args.copy_editors)
        data["newsletter"] = bool(args.newsletter)
        data["email"] = crypto.encrypt_email(address, recipients + [own_key])
    except _Usage as problem:
        return fail_usage("users add", str(problem))
    except crypto.KeyProblem as problem:
        return fail_usage("users add", str(problem))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(registry.render_profile({k: v for k, v in data.items() if v not in (None, [])} | {
        "public": data["public"]}), encoding="utf-8")
    problems = _profile_problems(root, username)
    if problems:
        for problem in problems:
            print(problem)
        print(f"\nusers/{username}.yml was written but has problems; fix them before committing.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Created users/{username}.yml (your address is stored encrypted for the editors and you).\n"
          f"Commit it in a pull request from your account '{username}':\n"
          f"  git add users/{username}.yml && git commit -m 'Add profile {username}'", file=sys.stderr)
    return EXIT_OK


def _key_problem(value: str) -> str | None:
    from ..people.crypto import KeyProblem
    try:
        _read_key(value)
    except KeyProblem as problem:
        return str(problem)
    except OSError as error:
        return f"cannot read {value} ({error.strerror})"
    return None


def _profile_problems(root: Path, username: str) -> list:
    from ..model.library import load_library
    library = load_library(root, only=[])
    return [p for p in library.problems if p.path == f"users/{username}.yml"]


def _load_user(root: Path, username: str):
    from ..model.library import load_library
    from ..people.registry import username_key
    library = load_library(root, only=[])
    # The Git host ignores case: 'ADoe' finds users/adoe.yml.
    username = next((u for u in library.users if username_key(u) == username_key(username)), username)
    if username not in library.users:
        problems = [str(p) for p in library.problems if p.path == f"users/{username}.yml"]
        if problems:
            raise _Usage("this profile has problems:\n" + "\n".join(problems))
        raise _Usage(f"no member '{username}' (no users/{username}.yml)")
    return library.users[username]


def run_show(args) -> int:
    from ..people import crypto, registry
    root = repository_root(args)
    try:
        user = _load_user(root, args.username)
    except _Usage as problem:
        return fail_usage("users show", str(problem))
    if args.armor:
        print(user.email.strip())
        return EXIT_OK
    address = "(encrypted; add --identity YOUR_KEY to read it)"
    if args.identity:
        try:
            address = crypto.decrypt_email(user.email, crypto.load_identities(Path(os.path.expanduser(args.identity))))
        except crypto.KeyProblem as problem:
            print(f"site-gen users show: {problem}", file=sys.stderr)
            return EXIT_PROBLEMS
    data = registry.user_as_data(user)
    public = set(user.public)
    print(f"Everything the library keeps about {user.username} (users/{user.username}.yml):")
    labels = {"first_name": "first name", "public": "shown publicly (besides name and position)",
              "key": "your public key", "contact": "others may contact you (sealed messages)",
              "contact_via": "sealed messages reach you by", "contact_copy_editors": "messages copied to the editors",
              "newsletter": "newsletter"}
    for name, value in data.items():
        if value in (None, []) and name not in ("strikes", "public"):
            continue
        if name == "strikes":
            value = "; ".join(f"{s['case']} ({s['reason']}, {s['date']})" for s in value) or "none"
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = ", ".join(value) or "none"
        where = " [public]" if name in public or name in ("username", "first_name", "surname", "position") else ""
        print(f"  {labels.get(name, name.replace('_', ' '))}: {value}{where}")
    print(f"  e-mail: {address} [never public]")
    print("Git history keeps earlier versions of this file; the moderation log names takedowns of your cases.")
    return EXIT_OK


def run_email(args) -> int:
    from ..people import crypto, registry
    root = repository_root(args)
    try:
        user = _load_user(root, args.username)
        address = _ask("New e-mail address", args.email, argparse_yes(args), check=_check_email)
        recipients = crypto.editors_recipients(root) + ([user.key] if user.key else [])
        armored = crypto.encrypt_email(address, recipients)
    except (_Usage, crypto.KeyProblem) as problem:
        return fail_usage("users email", str(problem))
    path = registry.profile_path(root, user.username)
    path.write_text(registry.set_field(path.read_text(encoding="utf-8"), "email", armored), encoding="utf-8")
    print(f"Stored the new address in users/{user.username}.yml (encrypted); commit it.", file=sys.stderr)
    return EXIT_OK


def argparse_yes(args):
    args.yes = getattr(args, "yes", False)
    return args


def _decrypt_all(root: Path, identity: str, users) -> tuple[dict[str, str], list[str]]:
    from ..people import crypto
    identities = crypto.load_identities(Path(os.path.expanduser(identity)))
    readable, unreadable = {}, []
    for user in users:
        try:
            readable[user.username] = crypto.decrypt_email(user.email, identities)
        except crypto.KeyProblem:
            unreadable.append(user.username)
    return readable, unreadable


def run_export(args) -> int:
    from ..model.library import load_library
    from ..people import crypto
    root = repository_root(args)
    if args.output and Path(args.output).resolve().is_relative_to(root.resolve()):
        return fail_usage("users export", "write the list outside the repository: it holds e-mail addresses "
                          "in plain text, which must never be committed")
    library = load_library(root, only=[])
    members = sorted(library.users.values(), key=lambda u: u.username)
    chosen = [u for u in members if u.newsletter] if args.list == "newsletter" else members
    try:
        readable, unreadable = _decrypt_all(root, args.identity, chosen)
    except crypto.KeyProblem as problem:
        return fail_usage("users export", str(problem))
    if unreadable:
        print("site-gen users export: your key cannot read the address of " + ", ".join(unreadable)
              + "; an editor who can should run 'site-gen users rekey'. Nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["email", "first_name", "last_name", "username"])
    for user in chosen:
        writer.writerow([readable[user.username], user.first_name, user.surname, user.username])
    if args.output:
        target = Path(args.output)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        print(f"Wrote {len(chosen)} address{'es' if len(chosen) != 1 else ''} to {target} "
              f"({args.list}). Upload it to the mailing service, then delete it.", file=sys.stderr)
    else:
        sys.stdout.write(buffer.getvalue())
    return EXIT_OK


def run_rekey(args) -> int:
    from ..model.library import load_library
    from ..people import crypto, registry
    root = repository_root(args)
    library = load_library(root, only=[])
    try:
        board = crypto.editors_recipients(root)
        readable, unreadable = _decrypt_all(root, args.identity, library.users.values())
        for user in library.users.values():
            if user.username not in readable:
                continue
            path = registry.profile_path(root, user.username)
            armored = crypto.encrypt_email(readable[user.username], board + ([user.key] if user.key else []))
            path.write_text(registry.set_field(path.read_text(encoding="utf-8"), "email", armored), encoding="utf-8")
    except crypto.KeyProblem as problem:
        return fail_usage("users rekey", str(problem))
    print(f"Encrypted {len(readable)} address{'es' if len(readable) != 1 else ''} again for "
          f"{len(board)} editor key(s) and each member's own key; commit users/.", file=sys.stderr)
    if unreadable:
        print("Your key cannot read the address of " + ", ".join(sorted(unreadable))
              + ": left unchanged; ask another editor to run rekey.", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _identity_owners(root: Path, identities) -> list[str]:
    """Who a key belongs to, by its public half: members (usernames) and 'the editors'."""
    from ..model.library import load_library
    from ..people import crypto
    publics = set()
    for identity in identities:
        to_public = getattr(identity, "to_public", None)
        if to_public is not None:
            publics.add(str(to_public()))
    if not publics:
        return []  # SSH keys: the public half is not derived here
    library = load_library(root, only=[])
    owners = [u.username for u in library.users.values() if u.key in publics]
    try:
        if publics & set(crypto.editors_recipients(root)):
            owners.append("the editors")
    except crypto.KeyProblem:
        pass
    return owners


def _token(args) -> str:
    if args.token_file:
        try:
            return Path(os.path.expanduser(args.token_file)).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise _Usage(f"cannot read the token file {args.token_file} ({error.strerror})") from None
    return os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or ""


def _collect(args, root: Path):
    from ..people import inbox
    from ..people.settings import load_settings
    if args.file:
        found = []
        for name in args.file:
            if name == "-":
                if sys.stdin.isatty():
                    print("Paste the sealed message(s), then press Ctrl+D (Ctrl+Z, Enter on Windows):", file=sys.stderr)
                text, label = sys.stdin.read(), "pasted text"
            else:
                try:
                    text, label = Path(name).read_text(encoding="utf-8", errors="replace"), name
                except OSError as error:
                    raise _Usage(f"cannot read {name} ({error.strerror})") from None
            blocks = inbox.from_text(text, label)
            if not blocks:
                raise _Usage(f"{label} holds no sealed message (a block from '-----BEGIN AGE ENCRYPTED FILE-----' "
                             "to '-----END AGE ENCRYPTED FILE-----')")
            found.extend(blocks)
        return found, 0, "the text you gave"
    settings = load_settings(root)
    repository = inbox.repository_from(settings.repository_url, slug=args.repository or "", api_url=args.api_url or "")
    found, without_seal = inbox.from_git_host(repository, token=_token(args), include_closed=args.all,
                                              member=args.member or "")
    return found, without_seal, f"the {'' if args.all else 'open '}issues of {repository.owner}/{repository.name}"


def run_inbox(args) -> int:
    from ..people import crypto, inbox
    root = repository_root(args)
    try:
        identities = crypto.load_identities(Path(os.path.expanduser(args.identity)))
        found, without_seal, where = _collect(args, root)
    except (_Usage, crypto.KeyProblem, inbox.InboxProblem) as problem:
        return fail_usage("users inbox", str(problem))
    if args.member:
        found = [s for s in found if not s.member or s.member.lower() == args.member.lower()]
    opened, closed, damaged = [], [], []
    for sealed in found:
        try:
            message = inbox.open_message(sealed, identities)
        except inbox.InboxProblem as problem:
            damaged.append(str(problem))
            continue
        (opened if message else closed).append(message or sealed)
    for number, message in enumerate(opened, start=1):
        sealed = message.sealed
        about = [sealed.source]
        if sealed.member:
            about.append(f"for @{sealed.member}")
        if sealed.posted:
            about.append(f"posted {sealed.posted}")
        if sealed.poster:
            about.append(f"by @{sealed.poster}")
        print(inbox.printable(f"== Message {number} of {len(opened)}: {', '.join(about)}"))
        if sealed.url:
            print(inbox.printable(f"   {sealed.url}"))
        addressee = message.headers.get("to", "")
        if sealed.member and addressee and not addressee.lower().startswith(f"@{sealed.member.lower()}"):
            print(inbox.printable(f"   Note: the sealed text says it is for {addressee}, the title says "
                                  f"@{sealed.member}."))
        print()
        for line in message.text.replace("\r\n", "\n").split("\n"):
            print(inbox.printable(f"   {line}".rstrip()))
        print()
    for problem in damaged:
        print(inbox.printable(f"site-gen users inbox: {problem}"), file=sys.stderr)
    summary = f"{len(opened)} sealed message{'s' if len(opened) != 1 else ''} opened from {where}"
    if closed:
        summary += f"; {len(closed)} other{'s' if len(closed) != 1 else ''} sealed for other keys"
    if without_seal:
        summary += f"; {without_seal} issue{'s' if without_seal != 1 else ''} titled as a message held no sealed text"
    print(summary + ".", file=sys.stderr)
    if found and not opened:
        owners = _identity_owners(root, identities)
        who = (f"This key belongs to {', '.join(owners)}." if owners else
               "This key's public half is not the 'key' of any profile in users/ nor in users/editors.recipients.")
        print("site-gen users inbox: none of these messages can be opened with the key in "
              f"{args.identity}. {who} Messages are sealed to the public key that was in the member's "
              "profile when they were written (and to the editors' keys when the member copies them); "
              "use the matching private key.", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if damaged else EXIT_OK
