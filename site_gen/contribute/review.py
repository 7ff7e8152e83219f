"""The editor's report for a range of commits (a pull request): cases added or changed, schema
and image checks, the patient-information guard, completeness, and a contact sheet.

The files are read as they are in HEAD (exported with `git archive`, so Git LFS files come out
smudged when their content is present locally), never from the working tree, so the report is
the same locally and in CI.  The Markdown starts with a hidden marker so CI can keep one
pull-request comment up to date.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MARKER = "<!-- site-gen-review -->"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}


class ReviewProblem(Exception):
    """The range cannot be reviewed (unknown commit, not a Git repository); plain words."""


@dataclass
class CaseReview:
    slug: str
    status: str                                    # added, changed, deleted
    files: list[str] = field(default_factory=list)  # changed files in the case
    images: list[str] = field(default_factory=list)  # new or changed image files
    problems: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    suppressions: list[str] = field(default_factory=list)  # allows that silenced something (reasons masked)
    completeness: object | None = None


@dataclass
class Review:
    base: str
    head: str
    commits: int
    cases: list[CaseReview] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)
    user_problems: list = field(default_factory=list)
    sheet: object | None = None
    masked_names: set = field(default_factory=set)  # file names holding a finding: shown masked

    @property
    def failed(self) -> bool:
        return bool(self.user_problems or any(c.problems or c.findings for c in self.cases))


def _git(root: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=not binary)


def parse_range(text: str) -> tuple[str, str]:
    if "..." in text:
        base, head = text.split("...", 1)
    elif ".." in text:
        base, head = text.split("..", 1)
    else:
        base, head = text, "HEAD"
    return base or "HEAD", head or "HEAD"


def _resolve(root: Path, rev: str) -> str:
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if done.returncode != 0:
        raise ReviewProblem(f"'{rev}' is not a commit in this repository (fetch it first, e.g. "
                            f"'git fetch origin main')")
    return done.stdout.strip()


def changed_files(root: Path, base: str, head: str) -> tuple[list[tuple[str, str]], int, str, str]:
    """(status, path) of files changed from the merge base of BASE and HEAD to HEAD, and the count
    of commits in the range."""
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise ReviewProblem("this folder is not a Git repository")
    base_sha, head_sha = _resolve(root, base), _resolve(root, head)
    merge = _git(root, "merge-base", base_sha, head_sha)
    start = merge.stdout.strip() if merge.returncode == 0 else base_sha
    diff = _git(root, "diff", "--name-status", "--no-renames", "-z", start, head_sha)
    if diff.returncode != 0:
        raise ReviewProblem(f"git could not compare the commits ({diff.stderr.strip()[:200]})")
    parts = [p for p in diff.stdout.split("\0") if p]
    pairs = [(parts[i][0], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
    count = _git(root, "rev-list", "--count", f"{start}..{head_sha}").stdout.strip()
    return pairs, int(count or 0), start, head_sha


def _exists_at(root: Path, commit: str, path: str) -> bool:
    return _git(root, "cat-file", "-e", f"{commit}:{path}").returncode == 0


def export_tree(root: Path, commit: str, paths: list[str], dest: Path) -> None:
    """Write `paths` as they are in `commit` below `dest` (git archive, so LFS files are smudged)."""
    present = [p for p in paths if _exists_at(root, commit, p)]
    if not present:
        return
    done = subprocess.run(["git", "archive", "--format=tar", commit, "--", *present], cwd=root,
                          capture_output=True)
    if done.returncode != 0:
        raise ReviewProblem(f"git could not export {commit[:12]} ({done.stderr.decode('utf-8', 'replace')[:200]})")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(dest, filter="data")


def _is_image(path: Path) -> bool:
    from ..media.discover import is_dicom_file
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return True
    return path.name.upper() != "DICOMDIR" and is_dicom_file(path)


def review_range(root: Path, base: str, head: str, *, sheet_path: Path | None = None, ocr: bool = True,
                 cache_dir: Path | None = None, limit: int | None = None) -> Review:
    from ..model.library import CASE_FILE, load_library
    from ..model.yamlsource import load_yaml
    from ..phi.report import suppression_lines
    from ..phi.scanner import scan
    from .completeness import score
    from .contact_sheet import DEFAULT_MAX_IMAGES, make_contact_sheet

    pairs, commits, start, head_sha = changed_files(root, base, head)
    review = Review(base=base, head=head, commits=commits)
    cases: dict[str, CaseReview] = {}
    for status, path in pairs:
        parts = path.split("/")
        if parts[0] == "cases" and len(parts) >= 3:
            slug = parts[1]
            item = cases.setdefault(slug, CaseReview(slug, "changed"))
            item.files.append(f"{status} {path}")
        else:
            review.other_files.append(f"{status} {path}")
    work = Path(tempfile.mkdtemp(prefix="site-gen-review-"))
    try:
        (work / "cases").mkdir()
        export_tree(root, head_sha, [f"cases/{slug}" for slug in cases] + ["users", ".phi-allow.yml"], work)
        for slug, item in cases.items():
            folder = work / "cases" / slug
            if not folder.exists():
                item.status = "deleted"
            elif not _exists_at(root, start, f"cases/{slug}/{CASE_FILE}"):
                item.status = "added"
            for entry in item.files:
                status, rel = entry.split(" ", 1)
                if status != "D" and (work / rel).is_file() and _is_image(work / rel):
                    item.images.append(rel)
        present = [work / "cases" / slug for slug, item in cases.items() if item.status != "deleted"]
        if present:
            library = load_library(work, only=present)
            phi = scan(present, work, cache_dir=cache_dir, ocr=ocr)
            review.masked_names = phi.masked_names
            for item in cases.values():
                prefix = f"cases/{item.slug}/"
                item.problems = sorted(p for p in library.problems if p.path.startswith(prefix)
                                       or p.path == prefix.rstrip("/"))
                item.findings = [f for f in phi.findings if f.path.startswith(prefix)]
                item.suppressions = suppression_lines([(f, s) for f, s in phi.suppressed if f.path.startswith(prefix)],
                                                      phi.masked_names)
                if item.status != "deleted":
                    item.completeness = score(load_yaml(work / prefix / CASE_FILE, prefix + CASE_FILE).data)
            changed_users = {f"users/{Path(p).name}" for s, p in pairs if p.startswith("users/")}
            review.user_problems = [p for p in library.problems if p.path in changed_users]
            images = [work / rel for item in cases.values() for rel in item.images]
            if sheet_path is not None and images:
                review.sheet = make_contact_sheet(
                    images, work, sheet_path, findings=phi.findings, ocr=ocr,
                    limit=limit or DEFAULT_MAX_IMAGES,
                    title=f"{len(images)} new or changed image file(s), {base}..{head}")
        review.cases = sorted(cases.values(), key=lambda c: c.slug)
        return review
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_markdown(review: Review, *, sheet_link: str | None = None) -> str:
    from ..phi.report import finding_lines
    out = [MARKER, f"## Case review: `{review.base}..{review.head}`", ""]
    if not review.cases:
        out.append(f"{_count(review.commits, 'commit')}; no case was added or changed.")
    else:
        counts = {s: sum(1 for c in review.cases if c.status == s) for s in ("added", "changed", "deleted")}
        out.append(f"{_count(review.commits, 'commit')}; cases: " +
                   ", ".join(f"{n} {s}" for s, n in counts.items() if n) + ".")
        out += ["", "| case | status | schema and images | patient information | completeness | new images |",
                "|---|---|---|---|---|---|"]
        for case in review.cases:
            schema = "✅ OK" if not case.problems else f"❌ {_count(len(case.problems), 'problem')}"
            phi = "✅ none found" if not case.findings else f"❌ {_count(len(case.findings), 'finding')}"
            phi += f" ({len(case.suppressions)} allowed)" if case.suppressions else ""
            done = f"{case.completeness.score}/100" if case.completeness else "–"
            if case.status == "deleted":
                schema = phi = "–"
            out.append(f"| `cases/{case.slug}` | {case.status} | {schema} | {phi} | {done} | {len(case.images)} |")
        for case in review.cases:
            if case.status == "deleted":
                continue
            out += ["", f"### `cases/{case.slug}` ({case.status})", ""]
            if case.problems:
                out += ["**Schema and images**", ""]
                out += [f"- `{p}`" for p in case.problems] + [""]
            if case.findings:
                out += ["**Possible patient information** (values masked)", ""]
                out += [f"- `{line}`" for line in finding_lines(case.findings, review.masked_names)]
                out.append("")
            if case.suppressions:
                out += ["**Allowed by the contributor's allow comments or the editors' allow-file** (check each "
                        "reason; values masked)", ""] + [f"- `{line}`" for line in case.suppressions] + [""]
            if case.completeness is not None:
                out.append(f"**Completeness {case.completeness.score}/100**" +
                           ("" if not case.completeness.missing else ": to add " +
                            "; ".join(f"{i.hint} (+{i.points - i.earned})" for i in case.completeness.missing)))
                out.append("")
            out.append(f"**Files changed**: {len(case.files)}; new or changed images: {len(case.images)}")
    if review.user_problems:
        out += ["", "### Contributor profiles"] + [f"- `{p}`" for p in review.user_problems]
    if review.other_files:
        shown = review.other_files[:20]
        out += ["", f"Other files changed: {len(review.other_files)}: " + ", ".join(f"`{f.split(' ', 1)[1]}`" for f in shown)
                + (" …" if len(review.other_files) > 20 else "")]
    sheet = review.sheet
    if sheet is not None and sheet.path is not None:
        sampled = f" (a sample of {sheet.images} of {sheet.total})" if sheet.images < sheet.total else ""
        where = f"[contact sheet]({sheet_link})" if sheet_link else f"contact sheet `{sheet.path.name}`"
        out += ["", f"**Images**: {where}: {sheet.total} image(s){sampled}; OCR read {sheet.text_boxes} "
                f"word(s) (yellow boxes), {sheet.phi_boxes} flagged as possible patient information (red). "
                "Look at every image before approving."]
        if sheet.unreadable:
            out.append(f"Could not be shown: {', '.join('`' + u + '`' for u in sheet.unreadable[:10])}")
    out += ["", "_Report by `site-gen review`; run it locally with the same range._"]
    return "\n".join(out) + "\n"


def default_cache(root: Path) -> Path:
    from ..cache import cache_dir
    return cache_dir(root)
