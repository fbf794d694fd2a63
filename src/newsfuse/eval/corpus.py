"""Reading labelled JSON Lines corpora, with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..errors import EvalError

_BAD_ROW = (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError)


def load_jsonl(path, check: Callable[[dict], object], *, what: str, example: str, needs: str) -> list[dict]:
    """Rows of ``path``; EvalError if it is missing or ``check(row)`` fails on a row.

    ``check`` raises KeyError/TypeError/ValueError on a malformed row; ``what``
    names a row ("timex document"), ``example`` a file of the expected shape,
    ``needs`` the fields a row must have (both for the hint).
    """
    path = Path(path)
    if not path.is_file():
        raise EvalError(f"corpus not found: {path}", hint=f"pass a JSONL file shaped like {example}")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                rows.append(_row(line, check, f"{path}:{number}", what, needs))
    return rows


def _row(line: str, check, where: str, what: str, needs: str) -> dict:
    try:
        row = json.loads(line)
        check(row)
    except _BAD_ROW as exc:
        raise EvalError(f"{where}: not a {what} ({exc!r})", hint=f"each line needs {needs}") from exc
    return row
