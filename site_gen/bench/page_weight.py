"""Page weight and load timings of the built site, measured in headless Chromium.

    python -m site_gen.bench.page_weight [--site SITE_DIR] [--chromium /usr/bin/chromium]

Builds the repository's site unless --site is given, serves it on localhost, opens case
pages, a listing and the finder, and reports bytes by kind (HTML, CSS, JS, images, data)
and the browser's navigation timings.  The budget: HTML+CSS+JS of a case page <= 300 KB
sent with gzip, before images.  It also reports what window/level costs: the bytes of the
16-bit value PNGs per slice (fetched only when a reader drags the window) against the
8-bit WebP frames every reader gets.

Lighthouse (LCP, accessibility) is run separately on the served build:
    CHROME_PATH=/usr/bin/chromium npx lighthouse@12.8 http://127.0.0.1:8000/cases/4/ \
        --form-factor=mobile --chrome-flags="--headless --no-sandbox"
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGES = ["cases/4/", "cases/5/", "cases/6/", "browse/systems/", "browse/", ""]
BUDGET_KB = 300


def kind_of(url: str, content_type: str) -> str:
    path = url.split("?")[0]
    if path.endswith((".webp", ".png", ".jpg", ".jpeg", ".svg", ".ico")) or content_type.startswith("image/"):
        return "image"
    if path.endswith(".css"):
        return "css"
    if path.endswith(".js"):
        return "js"
    if path.endswith(".json"):
        return "data"
    return "html"


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg")


def gzip_handler(site: Path):
    """A static file handler that sends text files gzip-compressed to clients that accept it."""
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args):
            pass

        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if (path.suffix in COMPRESSIBLE and path.is_file()
                    and "gzip" in self.headers.get("Accept-Encoding", "")):
                body = gzip.compress(path.read_bytes(), 6)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self._gzipped = body
                return None
            return super().send_head()

        def do_GET(self):
            self._gzipped = None
            handle = self.send_head()
            if self._gzipped is not None:
                self.wfile.write(self._gzipped)
            elif handle:
                try:
                    self.copyfile(handle, self.wfile)
                finally:
                    handle.close()
    return Handler


def measure(site: Path, chromium: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        for path in PAGES:
            context = browser.new_context()
            page = context.new_page()
            sizes: dict[str, int] = {}
            outside = []

            def on_response(response):
                if not response.url.startswith(base):
                    outside.append(response.url)
                    return
                try:
                    body = response.body()
                except Exception:
                    return
                kind = kind_of(response.url, response.headers.get("content-type", ""))
                sizes[kind] = sizes.get(kind, 0) + len(body)
                if kind in ("html", "css", "js"):  # what a server with gzip (e.g. GitHub Pages) sends
                    sizes["gzip"] = sizes.get("gzip", 0) + len(gzip.compress(body, 6))

            page.on("response", on_response)
            page.goto(base + path, wait_until="networkidle")
            timing = page.evaluate("""() => {
                const n = performance.getEntriesByType('navigation')[0];
                const paint = performance.getEntriesByName('first-contentful-paint')[0];
                return {dom_content_loaded_ms: Math.round(n.domContentLoadedEventEnd),
                        load_ms: Math.round(n.loadEventEnd),
                        first_contentful_paint_ms: paint ? Math.round(paint.startTime) : null};
            }""")
            code = sum(sizes.get(k, 0) for k in ("html", "css", "js"))
            results.append({"page": "/" + path, "html_css_js_kb": round(code / 1024, 1),
                            "html_css_js_gzip_kb": round(sizes.get("gzip", 0) / 1024, 1),
                            "images_kb": round(sizes.get("image", 0) / 1024, 1),
                            "data_kb": round(sizes.get("data", 0) / 1024, 1),
                            "third_party_requests": len(outside), **timing})
            context.close()
        browser.close()
    server.shutdown()
    return results


def window_level_cost(site: Path) -> list[dict]:
    """Per series with 16-bit values: mean bytes per slice of the WebP frame, the value PNG and
    its thumbnail, and the PNG's size in pixels."""
    from PIL import Image

    rows = []
    for folder in sorted((site / "media").iterdir()) if (site / "media").is_dir() else []:
        values = sorted(folder.glob("v*.png"))
        if not values:
            continue
        frames = sorted(folder.glob("[0-9]*.webp"))
        with Image.open(values[0]) as first:
            size = first.size
            mode = first.mode
        rows.append({"series": folder.name, "slices": len(values), "png_size": f"{size[0]}x{size[1]}", "png_mode": mode,
                     "webp_kb": round(sum(f.stat().st_size for f in frames) / max(1, len(frames)) / 1024, 1),
                     "values_png_kb": round(sum(v.stat().st_size for v in values) / len(values) / 1024, 1)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an already built site folder")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", type=int, metavar="PORT", help="only serve the site (with gzip) on this port")
    args = parser.parse_args(argv)
    if args.serve and args.site:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.serve), gzip_handler(args.site))
        print(f"serving {args.site} with gzip on http://127.0.0.1:{args.serve}/ (Ctrl-C stops)", file=sys.stderr)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return 0
    site = args.site
    if site is None:
        site = Path(tempfile.mkdtemp(prefix="page-weight-")) / "site"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=REPO_ROOT,
                       env=env, check=True)
    results = measure(site, args.chromium)
    costs = window_level_cost(site)
    if args.json:
        print(json.dumps({"pages": results, "window_level": costs}, indent=2))
        return 0
    print(f"{'page':<52} {'HTML+CSS+JS KB':>15} {'gzipped':>8} {'images KB':>10} {'data KB':>8} {'FCP ms':>7} {'load ms':>8} {'3rd-party':>9}")
    for r in results:
        print(f"{r['page']:<52} {r['html_css_js_kb']:>15} {r['html_css_js_gzip_kb']:>8} {r['images_kb']:>10} {r['data_kb']:>8} "
              f"{r['first_contentful_paint_ms']!s:>7} {r['load_ms']:>8} {r['third_party_requests']:>9}")
    case = max((r for r in results if r["page"].startswith("/cases/")), key=lambda r: r["html_css_js_kb"])
    print(f"heaviest case page: {case['html_css_js_kb']} KB of HTML, CSS and JS uncompressed, "
          f"{case['html_css_js_gzip_kb']} KB sent with gzip (budget {BUDGET_KB} KB)")
    print("\nwindow/level by drag: 16-bit value PNG per slice (fetched on the first drag) vs the 8-bit WebP")
    for row in costs:
        print(f"  {row['series']}: {row['slices']} slice(s), PNG {row['png_size']} {row['png_mode']} "
              f"{row['values_png_kb']} KB/slice, WebP {row['webp_kb']} KB/slice")
    return 0


if __name__ == "__main__":
    sys.exit(main())
