"""A local HTTP server for the feed, fetch and watch tests: nothing leaves 127.0.0.1.

``Site`` maps paths to responses (fixed, or a function of the request) and
records every request with its headers; ``serve()`` runs it in a thread.
The fixture feeds and pages are built here from a few distinct stories.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from newsfuse.config import Options

STORIES = {
    "bridge": ("Bridge to close for repairs",
               "The city council of Duisburg voted on Monday to close the old Rhine bridge for urgent repairs after "
               "engineers found deep cracks in two of its steel supports. The mayor said traffic would be diverted "
               "through the northern ring road for at least three months while the work goes on."),
    "flood": ("Storm floods homes in Brixham",
              "Heavy rain flooded dozens of homes in the coastal town of Brixham on Saturday as a storm moved across "
              "southern England, and the fire service rescued several residents from cars trapped in rising water. "
              "Forecasters expect more rain before the weekend is over."),
    "harvest": ("Record apple harvest in Kent",
                "Orchards across Kent reported a record apple harvest this autumn after a warm spring and steady "
                "summer rain, and growers said they were hiring hundreds of extra pickers from nearby towns. Prices "
                "at the farm gate fell for the first time in five years."),
    "museum": ("Museum reopens after fire",
               "The maritime museum in Bergen reopened its doors on Friday, two years after a fire destroyed its "
               "roof and much of the east wing, with a new gallery devoted to the ships that carried dried fish to "
               "Europe. Visitors queued around the harbour before the opening."),
}
SHORT = "A short teaser."
# Fast settings: the tests wait fractions of a second, never the shipped ones.
FAST = Options(analyze=False, fetch_timeout=0.5, fetch_retries=2, fetch_backoff=0.01, fetch_retry_after_max=5,
               max_redirects=3)


def page(key: str) -> bytes:
    title, text = STORIES[key]
    return (f"<!doctype html><html><head><title>{title}</title>"
            f'<meta property="og:site_name" content="Test Site"></head><body><header>Menu</header>'
            f"<article><h1>{title}</h1><p>{text}</p><p>{text.split('. ')[0]}, officials confirmed.</p></article>"
            "<footer>Copyright</footer></body></html>").encode()


def rss2(base: str, keys, *, full: bool = True, title: str = "Test News") -> bytes:
    items = "".join(_rss2_item(base, key, n, full) for n, key in enumerate(keys, start=1))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title>'
            f"<link>{base}/</link><description>news</description>{items}</channel></rss>").encode()


def _rss2_item(base: str, key: str, n: int, full: bool) -> str:
    title, text = STORIES[key]
    content = f"<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded>" if full else ""
    return (f"<item><title>{title}</title><link>{base}/pages/{key}.html</link><guid>urn:test:{key}</guid>"
            f"<pubDate>Thu, 1{n} Sep 2022 10:00:00 GMT</pubDate><description>{SHORT}</description>{content}</item>")


def rss1(base: str, keys) -> bytes:
    items = "".join(f'<item rdf:about="{base}/pages/{k}.html"><title>{STORIES[k][0]}</title>'
                    f"<link>{base}/pages/{k}.html</link><description>{STORIES[k][1]}</description>"
                    "<dc:date>2022-09-14T08:00:00Z</dc:date></item>" for k in keys)
    return ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="{base}/"><title>RDF News</title><link>{base}/</link><description>d</description>'
            f"</channel>{items}</rdf:RDF>").encode()


def atom(base: str, keys, *, full: bool = True) -> bytes:
    def entry(key):
        title, text = STORIES[key]
        body = f'<content type="html">&lt;p&gt;{text}&lt;/p&gt;</content>' if full else f"<summary>{SHORT}</summary>"
        return (f"<entry><title>{title}</title><link href=\"{base}/pages/{key}.html\"/><id>tag:test,2022:{key}</id>"
                f"<updated>2022-09-13T12:00:00Z</updated>{body}</entry>")

    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Atom News</title><id>tag:test,2022:feed</id><updated>2022-09-13T12:00:00Z</updated>"
            f"{''.join(entry(k) for k in keys)}</feed>").encode()


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    chunks: int = 0  # > 0: send the body this many times, no Content-Length


class Site:
    def __init__(self):
        self.routes: dict = {"/robots.txt": Response(body=b"User-agent: *\nDisallow: /private/\n",
                                                     headers={"Content-Type": "text/plain"})}
        self.requests: list[tuple[str, dict]] = []
        self.base = ""
        self.active = self.most_active = 0
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, response=None, **kwargs) -> None:
        self.routes[path] = response if response is not None else Response(**kwargs)

    def hits(self, path: str) -> list[dict]:
        return [headers for p, headers in self.requests if p == path]

    def answer(self, path: str, headers: dict) -> Response:
        with self._lock:
            self.requests.append((path, headers))
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            route = self.routes.get(path, Response(404, b"not here"))
            return route(headers) if callable(route) else route
        finally:
            with self._lock:
                self.active -= 1


def sequence(*responses: Response):
    """A route answering each request with the next response (the last one repeats)."""
    left = list(responses)

    def route(_headers):
        return left.pop(0) if len(left) > 1 else left[0]

    return route


def slow(seconds: float, response: Response):
    def route(_headers):
        time.sleep(seconds)
        return response

    return route


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self):
        response = self.site.answer(self.path, {k.lower(): v for k, v in self.headers.items()})
        time.sleep(response.delay)
        try:
            self._send(response)
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading: that is the test
            pass

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        headers = {"Content-Type": "text/html; charset=utf-8", **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        if not response.chunks:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        for _ in range(response.chunks or 1):
            self.wfile.write(response.body)

    def log_message(self, *args):  # quiet
        pass


@contextmanager
def serve():
    site = Site()
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def add_pages(site: Site) -> None:
    for key in STORIES:
        site.add(f"/pages/{key}.html", body=page(key))
