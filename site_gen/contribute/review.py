"""The editor's report for a range of commits (a pull request): cases added or changed, schema
and image checks, the patient-information guard, completeness, contact sheets (one per series)
and the editor's next steps.

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
from typing import Callable

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
    completeness: object | None = None
    series: list[str] = field(default_factory=list)  # series paths written in case.yml
    # Findings silenced by allow entries in this case, for the editor's audit: filled by the
    # guard's review integration (site_gen.phi), rendered by render_markdown.
    suppressed: list = field(default_factory=list)


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


def _series_of(work: Path, series_paths: dict[str, list[str]]) -> Callable[[Path], Path]:
    """Maps an image to its series as case.yml names it (a folder or a single file); images in no
    series are grouped by their folder."""
    def series_of(image: Path) -> Path:
        rel = image.relative_to(work).as_posix()
        parts = rel.split("/")
        for written in sorted(series_paths.get(parts[1], []), key=len, reverse=True) if len(parts) > 2 else []:
            prefix = f"cases/{parts[1]}/{written.strip('/')}"
            if rel == prefix or rel.startswith(prefix + "/"):
                return work / prefix
        return image.parent
    return series_of


def check_sheet_folder(root: Path, folder: Path) -> str | None:
    """Why contact sheets may not go to `folder` (None: they may): never into the repository,
    unless Git ignores the folder (they would be committed with the next 'git add')."""
    folder = folder.resolve()
    root = root.resolve()
    if not folder.is_relative_to(root):
        return None
    if folder == root:
        return "contact sheets never go into the repository's top folder"
    ignored = _git(root, "check-ignore", "-q", "--no-index", (folder / "sheet.png").relative_to(root).as_posix())
    if ignored.returncode == 0:
        return None
    return (f"'{folder.relative_to(root).as_posix()}' is inside the repository and not ignored by Git, so the "
            "sheets could be committed; choose a folder outside it, or under .cache/")


def review_range(root: Path, base: str, head: str, *, sheet_folder: Path | None = None, ocr: bool = True,
                 cache_dir: Path | None = None, limit: int | None = None, sheet_prefix: str = "contact-sheet",
                 progress: Callable[[int, int], None] | None = None) -> Review:
    from ..model.library import CASE_FILE, load_library
    from ..model.yamlsource import load_yaml
    from ..phi.report import suppression_lines
    from ..phi.scanner import scan
    from .completeness import score
    from .contact_sheet import DEFAULT_MAX_PER_SERIES, make_contact_sheets

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
            phi = scan(present, work, cache_dir=cache_dir, ocr=ocr, progress=progress)
            review.masked_names = phi.masked_names
            series_paths: dict[str, list[str]] = {}
            for item in cases.values():
                prefix = f"cases/{item.slug}/"
                item.problems = sorted(p for p in library.problems if p.path.startswith(prefix)
                                       or p.path == prefix.rstrip("/"))
                item.findings = [f for f in phi.findings if f.path.startswith(prefix)]
                item.suppressed = [f"`{line}`" for line in suppression_lines(
                    [(f, s) for f, s in phi.suppressed if f.path.startswith(prefix)], phi.masked_names)]
                if item.status != "deleted":
                    data = load_yaml(work / prefix / CASE_FILE, prefix + CASE_FILE).data
                    item.completeness = score(data)
                    item.series = _written_series(data)
                    series_paths[item.slug] = item.series
            changed_users = {f"users/{Path(p).name}" for s, p in pairs if p.startswith("users/")}
            review.user_problems = [p for p in library.problems if p.path in changed_users]
            images = [work / rel for item in cases.values() for rel in item.images]
            if sheet_folder is not None and images:
                review.sheet = make_contact_sheets(
                    images, work, sheet_folder, findings=phi.findings, ocr=ocr,
                    limit=limit or DEFAULT_MAX_PER_SERIES, prefix=sheet_prefix,
                    series_of=_series_of(work, series_paths))
        review.cases = sorted(cases.values(), key=lambda c: c.slug)
        return review
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _written_series(data) -> list[str]:
    studies = data.get("studies") if isinstance(data, dict) else None
    return list(dict.fromkeys(series["path"] for study in (studies if isinstance(studies, list) else [])
                              if isinstance(study, dict) for series in (study.get("series") or [])
                              if isinstance(series, dict) and isinstance(series.get("path"), str)))


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
            phi += f" ({len(case.suppressed)} allowed)" if case.suppressed else ""
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
            if case.completeness is not None:
                out.append(f"**Completeness {case.completeness.score}/100**" +
                           ("" if not case.completeness.missing else ": to add " +
                            "; ".join(f"{i.hint} (+{i.points - i.earned})" for i in case.completeness.missing)))
                out.append("")
            if case.suppressed:
                out += ["**Suppressed by allow entries** (check each one is not patient information)", ""]
                out += [f"- {item}" for item in case.suppressed] + [""]
            out.append(f"**Files changed**: {len(case.files)}; new or changed images: {len(case.images)}")
    if review.user_problems:
        out += ["", "### Contributor profiles"] + [f"- `{p}`" for p in review.user_problems]
    if review.other_files:
        shown = review.other_files[:20]
        out += ["", f"Other files changed: {len(review.other_files)}: " + ", ".join(f"`{f.split(' ', 1)[1]}`" for f in shown)
                + (" …" if len(review.other_files) > 20 else "")]
    sheets = review.sheet
    if sheets is not None and sheets.sheets:
        where = f"[contact sheets]({sheet_link})" if sheet_link else "contact sheets"
        out += ["", f"**Images**: {where}, one per series: {sheets.total} image(s); OCR read {sheets.text_boxes} "
                f"word(s) (yellow boxes, enlarged beside each image), {sheets.phi_boxes} flagged as possible "
                "patient information (red). Look at every image before approving.", ""]
        for sheet in sheets.sheets:
            sampled = f", {sheet.images} shown (sampled)" if sheet.images < sheet.total else ""
            flagged = f", **{sheet.phi_boxes} flagged**" if sheet.phi_boxes else ""
            out.append(f"- `{sheet.series}`: {sheet.total} image(s){sampled}{flagged} — `{sheet.path.name}`")
        if sheets.unreadable:
            out.append(f"Could not be shown: {', '.join('`' + u + '`' for u in sheets.unreadable[:10])}")
    out += ["", "_Report by `site-gen review`; run it locally with the same range._"]
    out += _next_steps(review)  # the report ends with what the editor does now
    return "\n".join(out) + "\n"


def _series_with_findings(case: CaseReview) -> list[str]:
    """The series (as case.yml writes them) holding an image with a finding."""
    found = []
    for finding in case.findings:
        rel = finding.path.removeprefix(f"cases/{case.slug}/")
        for written in sorted(case.series, key=len, reverse=True):
            clean = written.strip("/")
            if rel == clean or rel.startswith(clean + "/"):
                found.append(written)
                break
    return list(dict.fromkeys(found))


def _next_steps(review: Review) -> list[str]:
    """What the editor does now, with the exact commands."""
    out = ["", "### Next steps for the editor", ""]
    present = [c for c in review.cases if c.status != "deleted"]
    if not present:
        return out + ["- Nothing to review in the cases: check the other files changed, then approve or comment."]
    if review.failed:
        out.append("1. **Request changes** on the pull request (Files changed → Review changes → Request changes), "
                   "quoting the lines above by file and line, never the identifier itself. The contributor fixes "
                   "them and pushes; this report is updated.")
    else:
        out.append("1. **Look at every contact sheet**, then approve: the checks found no problem and no possible "
                   "patient information.")
    out.append("2. If you see patient information anywhere (text, names on images, a face), request changes "
               "whatever the checks say, and tell the contributor privately where it is.")
    out.append("3. If such material is already merged and published, **take it down** at once (in your clone of "
               "main, then commit and push; see docs/editors.md):")
    out.append("")
    for case in present:
        for series in _series_with_findings(case) or []:
            out.append(f"       site-gen takedown {case.slug} --series {_shell_word(series)} --reason phi "
                       "--editor <you>")
        out.append(f"       site-gen takedown {case.slug} --reason phi --editor <you>    # the whole case")
    out += ["", "   Add `--no-strike` when the contributor is not at fault (e.g. the guard had passed the file)."]
    return out


def _shell_word(text: str) -> str:
    import shlex
    return shlex.quote(text)


def default_cache(root: Path) -> Path:
    from ..cache import cache_dir
    return cache_dir(root)
