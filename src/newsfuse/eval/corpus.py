"""Reading labelled JSON Lines corpora, with errors that name the file and line."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import EvalError


def load_jsonl(path, required: tuple[str, ...], example: str) -> list[dict]:
    """Rows of ``path``; EvalError if it is missing or a row lacks a ``required`` field.

    ``example`` names a file of the expected shape for the hint.
    """
    path = Path(path)
    if not path.is_file():
        raise EvalError(f"corpus not found: {path}", hint=f"pass a JSONL file shaped like {example}")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                rows.append(_row(line, path, number, required))
    return rows


def _row(line: str, path: Path, number: int, required: tuple[str, ...]) -> dict:
    try:
        row = json.loads(line)
        missing = [key for key in required if key not in row]
    except (json.JSONDecodeError, TypeError) as exc:
        raise EvalError(f"{path}:{number}: not JSON ({exc})", hint="one JSON object per line") from exc
    if not isinstance(row, dict) or missing:
        raise EvalError(f"{path}:{number}: missing field(s) {', '.join(missing) or 'all'}",
                        hint=f"each line needs {', '.join(required)}")
    return row
