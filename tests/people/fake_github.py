"""A local HTTP server answering like GitHub's REST API for a repository's issues.

GitHub itself cannot be reached from the tests; this server speaks the same protocol
(`GET /repos/{owner}/{repo}/issues` with state, per_page and page, a Link header for the
next page, Bearer tokens), so the inbox's real HTTP client is what is tested.
"""
from __future__ import annotations

import http.server
import json
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeGitHub:
    owner: str = "example"
    repo: str = "cases"
    issues: list[dict] = field(default_factory=list)
    token: str = ""                   # when set, requests without it get 401
    next_host: str = ""               # when set, the Link header points to this host instead
    seen: list[dict] = field(default_factory=list)
    url: str = ""

    def issue(self, number: int, title: str, body: str, *, login: str = "reader", state: str = "open",
              pull_request: bool = False) -> None:
        item = {"number": number, "title": title, "body": body, "state": state, "user": {"login": login},
                "created_at": f"2025-03-{number:02d}T10:00:00Z",
                "html_url": f"https://github.com/{self.owner}/{self.repo}/issues/{number}"}
        if pull_request:
            item["pull_request"] = {"url": "..."}
        self.issues.append(item)

    def __enter__(self) -> "FakeGitHub":
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                fake.seen.append({"path": parts.path, "query": query,
                                  "authorization": self.headers.get("Authorization", "")})
                if parts.path != f"/repos/{fake.owner}/{fake.repo}/issues":
                    return self._send(404, {"message": "Not Found"})
                if fake.token and self.headers.get("Authorization") != f"Bearer {fake.token}":
                    return self._send(401, {"message": "Bad credentials"})
                state = query.get("state", "open")
                chosen = [i for i in sorted(fake.issues, key=lambda i: -i["number"])
                          if state == "all" or i["state"] == state]
                size, page = int(query.get("per_page", 30)), int(query.get("page", 1))
                headers = {}
                if page * size < len(chosen):
                    host = fake.next_host or f"127.0.0.1:{self.server.server_address[1]}"
                    rest = "&".join(f"{k}={v}" for k, v in query.items() if k != "page")
                    headers["Link"] = f'<http://{host}{parts.path}?{rest}&page={page + 1}>; rel="next"'
                return self._send(200, chosen[(page - 1) * size: page * size], headers)

            def _send(self, status, data, headers=None):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
