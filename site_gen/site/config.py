"""Settings of the case-library MkDocs plugin (mkdocs.yml: plugins: - case-library: ...)."""
from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class CaseLibraryConfig(base.Config):
    # Repository root holding cases/ and users/; default: the folder of mkdocs.yml.
    root = c.Optional(c.Type(str))
    # Converted images are kept here between builds, keyed by content hash; default:
    # $SITE_GEN_CACHE, else ~/.cache/site-gen.  Never inside the repository (site_gen/cache.py).
    cache_dir = c.Type(str, default="")
    # Show every case as a quiz (diagnosis hidden until revealed), not only those with quiz: true.
    quiz_all = c.Type(bool, default=False)
    # `mkdocs serve` notices saved files through the system's file events (inotify, FSEvents...)
    # instead of polling every file twice a second; false keeps MkDocs' polling (for folders on
    # network or virtual-machine file systems, whose changes raise no events).
    file_events = c.Type(bool, default=True)
    # People and privacy (see site_gen/people/ and docs/privacy.md).
    # Footer "Privacy contact": a web address (contact form, private report page); never an
    # e-mail address, because the build fails when the site contains one.
    privacy_contact = c.Type(str, default="")
    # Where sealed Contact messages are posted: a new-issue form with {title} and {body} (and
    # {username}); default: repository_url + /issues/new?title={title}&body={body}.
    contact_url = c.Type(str, default="")
    # Private channel for "Report patient information", with {case}; default: privacy_contact.
    report_url = c.Type(str, default="")
    # The Git repository's web address (used for the default relays). Not MkDocs' repo_url:
    # with that, Material fetches repository facts from the Git host in every reader's browser.
    repository_url = c.Type(str, default="")
    # A member with this many patient-information takedowns is suspended.
    suspend_after_phi_strikes = c.Type(int, default=2)
