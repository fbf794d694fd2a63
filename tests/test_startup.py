"""Start-up: what `newsfuse` imports before any command runs.

Each check runs in a fresh interpreter (this one has imported everything by
now). Speed figures live in benchmarks/startup.py, never in tests.
"""

import json
import os
import subprocess
import sys

from conftest import ROOT

HEAVY = ["datasketch", "markdown_it", "numpy", "scipy", "sentence_transformers", "sklearn", "spacy", "torch",
         "trafilatura", "usearch"]


def fresh_python(code: str) -> str:
    """Run ``code`` in a new interpreter that imports this checkout's newsfuse; its stdout."""
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": path},
                          capture_output=True, text=True, check=True)
    return done.stdout


def loaded_after(statement: str) -> list[str]:
    code = (f"import json, sys; {statement}; "
            f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))")
    return json.loads(fresh_python(code))


def test_the_cli_starts_without_heavy_modules():
    assert loaded_after("import newsfuse.cli") == []


def test_the_package_resolves_public_names_on_first_use():
    assert loaded_after("import newsfuse") == []
    assert loaded_after("from newsfuse import Store, Options, NewsfuseError, list_stories") == []
    assert "numpy" in loaded_after("from newsfuse import ingest")


def test_ingest_is_the_pipeline_function_whatever_was_imported_first():
    # newsfuse.ingest is also a subpackage, whose first import binds its name on the package.
    code = ("import newsfuse.ingest.sources, newsfuse, newsfuse.pipeline; "
            "print(newsfuse.ingest is newsfuse.pipeline.ingest)")
    assert fresh_python(code).strip() == "True"
