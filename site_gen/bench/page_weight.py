"""Page weight and load timings of the built site, measured in headless Chromium.

    python -m site_gen.bench.page_weight [--site SITE_DIR] [--chromium /usr/bin/chromium]

Builds the repository's site unless --site is given, serves it on localhost, opens a case
page, a listing and the finder, and reports bytes by kind (HTML, CSS, JS, images, data)
and the browser's navigation timings.  The budget: HTML+CSS+JS of a case page < 300 KB.
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
PAGES = ["cases/solitary-pulmonary-nodule-adenocarcinoma/", "browse/systems/", "browse/", ""]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an already built site folder")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    site = args.site
    if site is None:
        site = Path(tempfile.mkdtemp(prefix="page-weight-")) / "site"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=REPO_ROOT,
                       env=env, check=True)
    results = measure(site, args.chromium)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'page':<52} {'HTML+CSS+JS KB':>15} {'gzipped':>8} {'images KB':>10} {'data KB':>8} {'FCP ms':>7} {'load ms':>8} {'3rd-party':>9}")
    for r in results:
        print(f"{r['page']:<52} {r['html_css_js_kb']:>15} {r['html_css_js_gzip_kb']:>8} {r['images_kb']:>10} {r['data_kb']:>8} "
              f"{r['first_contentful_paint_ms']!s:>7} {r['load_ms']:>8} {r['third_party_requests']:>9}")
    case = max((r for r in results if r["page"].startswith("/cases/")), key=lambda r: r["html_css_js_kb"])
    print(f"case page: {case['html_css_js_kb']} KB of HTML, CSS and JS uncompressed, "
          f"{case['html_css_js_gzip_kb']} KB sent with gzip (budget {BUDGET_KB} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
