"""/docs: the API reference as one plain HTML page made from /openapi.json.

FastAPI's own /docs (Swagger UI) loads its script and style from a CDN and
starts with an inline script: it would not load on a machine without a
network, and the Content-Security-Policy (no inline script, nothing from
elsewhere) rightly blocks it. This page needs neither: a table per route,
every text escaped.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter()


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs(request: Request) -> HTMLResponse:
    document = request.app.openapi()
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(document['info']['title'])} API"
             f"</title><h1>{escape(document['info']['title'])} API</h1>",
             f"<p>{escape(document['info'].get('summary', ''))} The machine-readable description: "
             "<a href=/openapi.json>/openapi.json</a> (OpenAPI 3). Errors answer "
             "<code>{\"error\": {\"code\", \"message\", \"hint\"}}</code>.</p>"]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            parts.append(_operation(method, path, operation))
    return HTMLResponse("".join(parts) + "</html>")


def _operation(method: str, path: str, operation: dict) -> str:
    rows = "".join(f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
                   f"<td>{'required' if p.get('required') else ''}</td>"
                   f"<td>{escape(_type(p.get('schema', {})))}</td><td>{escape(p.get('description', ''))}</td></tr>"
                   for p in operation.get("parameters", []))
    table = f"<table><tr><th>parameter<th>in<th><th>type<th>meaning</tr>{rows}</table>" if rows else ""
    statuses = ", ".join(escape(code) for code in operation.get("responses", {}))
    return (f"<h2><code>{escape(method.upper())} {escape(path)}</code></h2><p>{escape(operation.get('summary', ''))}"
            f"</p>{table}<p>Responses: {statuses}</p>")


def _type(schema: dict) -> str:
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    return str(schema.get("type", ""))
