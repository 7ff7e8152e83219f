"""Contact without revealing an address: links to a relay configured for the site.

The site never shows a member's address and never links `mailto:` to a member.  "Contact"
appears only for members who allow it (`contact: true`, the default) and only when the site
has a relay: `contact_url` (a template with {username}, e.g. a pre-filled issue or
discussion on the Git host that mentions the member, whose notification the host delivers,
or a form endpoint), else a pre-filled issue in `repository_url`.  Reports of patient
information go to a private channel (`report_url` with {case}, else the privacy contact,
else the Git host's private security report form), never to a public issue, which would
publish the information again.
"""
from __future__ import annotations

from urllib.parse import quote

from ..model.case import User
from .settings import Settings


def _fill(template: str, **values: str) -> str:
    out = template
    for name, value in values.items():
        out = out.replace("{" + name + "}", quote(value, safe=""))
    return out


def contact_link(user: User, settings: Settings) -> str | None:
    if not user.contact:
        return None
    if settings.contact_url:
        return _fill(settings.contact_url, username=user.username)
    if settings.repository_url:
        base = settings.repository_url.rstrip("/")
        title = f"Message for @{user.username}"
        body = (f"@{user.username}: a reader of the library would like to contact you.\n\n"
                "(Write your message here. This conversation is public: do not include patient "
                "information or anyone's e-mail address.)")
        return f"{base}/issues/new?title={quote(title, safe='')}&body={quote(body, safe='')}"
    return None


def report_link(case_slug: str, settings: Settings) -> str | None:
    if settings.report_url:
        return _fill(settings.report_url, case=case_slug)
    if settings.privacy_contact:
        return settings.privacy_contact
    if settings.repository_url:
        return settings.repository_url.rstrip("/") + "/security/advisories/new"
    return None
