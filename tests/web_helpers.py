"""Shared by the page tests (TestClient) and the browser tests: a database of
the bundled example plus hostile articles, and a live server over it."""

from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from conftest import EXAMPLES, BagOfWordsEmbedder

from newsfuse import Store, ingest, iter_raw_items

XI = "person:xi jinping"
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']
JS_URL = "javascript:alert(1)"


def hostile_items(folder: Path) -> Path:
    """JSON Lines of an article whose every field carries a payload, on a
    subject of its own (a harbour fire) so it forms its own story; ingested
    twice with two URLs, so the second (a javascript: one) lands in ``urls``."""
    speech = " ".join(f'"Crews reached the pier at dawn {p}," said {p} Fire Chief Anna Berg.' for p in PAYLOADS)
    text = (f"A fire broke out at the Rotterdam harbour on Monday night {PAYLOADS[0]}, destroying two warehouses "
            f"and forcing the evacuation of nearby docks {PAYLOADS[1]}. {speech} "
            "Firefighters battled the blaze for six hours before bringing it under control, the port authority "
            f"said on Tuesday {PAYLOADS[2]}. No injuries were reported, but shipping was delayed for the morning "
            "while investigators examined the damage to the cranes and the quay wall.")
    base = {"title": "Harbour fire " + " ".join(PAYLOADS), "text": text, "source": "The Gazette " + PAYLOADS[1],
            "published": "2023-05-02"}
    lines = [dict(base, url=JS_URL), dict(base, url="data:text/html,<script>alert(1)</script>")]
    path = folder / "hostile.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def build_db(folder: Path) -> Path:
    """The bundled example and the hostile article, analysed (about 10 s)."""
    path = folder / "web.db"
    with Store(path) as store:
        ingest(iter_raw_items([EXAMPLES, hostile_items(folder)]), store, embedder=BagOfWordsEmbedder())
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(db: Path):
    """uvicorn serving the app over ``db`` on a free local port, in a thread; yields its base URL."""
    import uvicorn

    from newsfuse.serve.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
