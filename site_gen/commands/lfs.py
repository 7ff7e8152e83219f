"""site-gen lfs setup|remove|status: opt-in Git LFS storage for case images (docs/scaling.md)."""
from __future__ import annotations

import sys

from . import EXIT_OK, EXIT_PROBLEMS, repository_root


def register(commands) -> None:
    parser = commands.add_parser("lfs", help="opt-in Git LFS storage for case images and DICOM (docs/scaling.md)")
    parser.add_argument("action", choices=("setup", "remove", "status"),
                        help="setup: write the .gitattributes rules (and git lfs install --local); "
                             "remove: take them out again; status: rules and LFS pointers found")
    parser.add_argument("--no-install", action="store_true", help="only write .gitattributes")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..contribute import lfs

    root = repository_root(args)
    if args.action == "setup":
        path, changed = lfs.write_gitattributes(root)
        print(f"{'Wrote' if changed else 'Already up to date:'} {path.name}: images and DICOM under cases/ "
              "are stored through Git LFS from the next commit on.")
        if args.no_install:
            return EXIT_OK
        if not lfs.git_lfs_available():
            print("git-lfs is not installed: install it (Debian/Ubuntu: apt-get install git-lfs; macOS: brew "
                  "install git-lfs), then run 'site-gen lfs setup' again.", file=sys.stderr)
            return EXIT_PROBLEMS
        ok, output = lfs.install_hooks(root)
        if not ok:
            print(f"'git lfs install --local' failed: {output}", file=sys.stderr)
            return EXIT_PROBLEMS
        print("Git LFS filters installed for this clone. Commit .gitattributes; existing images stay plain Git "
              "objects until you migrate them (docs/scaling.md).")
        return EXIT_OK
    if args.action == "remove":
        removed = lfs.remove_gitattributes(root)
        print("Removed the site-gen LFS rules from .gitattributes." if removed else "No site-gen LFS rules found.")
        return EXIT_OK
    attributes = root / ".gitattributes"
    active = attributes.is_file() and lfs.BEGIN in attributes.read_text(encoding="utf-8")
    cases = root / "cases"
    pointers = lfs.pointers_in(cases.rglob("*")) if cases.is_dir() else []
    print(f"LFS rules in .gitattributes: {'yes' if active else 'no'}; git-lfs installed: "
          f"{'yes' if lfs.git_lfs_available() else 'no'}; LFS pointer files in place of images: {len(pointers)}")
    for pointer in pointers[:20]:
        print(f"  {pointer.relative_to(root).as_posix()}")
    if pointers:
        print("Run 'git lfs pull' to fetch these images: the guard and the build cannot read pointers.",
              file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK
