"""newsfuse: many news reports in, one story per real-world event out.

The public API is what this module exports; a test pins it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Article",
    "AuthError",
    "ClusterOptions",
    "ConfigError",
    "Entity",
    "EvalError",
    "Event",
    "IngestReport",
    "InputError",
    "Mention",
    "MiniLMEmbedder",
    "ModelError",
    "NewsfuseError",
    "NotFoundError",
    "Options",
    "Quote",
    "RawItem",
    "Skipped",
    "Span",
    "StaticEmbedder",
    "Store",
    "StoreError",
    "TooLargeError",
    "__version__",
    "analyze_stored",
    "build_story_records",
    "find_entities",
    "find_stories",
    "get_article",
    "get_entity",
    "get_story",
    "ingest",
    "iter_raw_items",
    "jsonl_record",
    "list_stories",
    "open_store",
    "search",
    "story_html",
    "story_markdown",
    "stream_items",
    "timeline",
    "to_article",
]

# Where each public name lives. The names are imported on first use (PEP 562
# module __getattr__), not here: every `newsfuse` command imports this package,
# and the pipeline alone would load numpy, scipy (through datasketch) and usearch
# before `newsfuse --help` could answer.
_HOMES = {
    ".cluster": ["ClusterOptions"],
    ".config": ["Options"],
    ".embed": ["MiniLMEmbedder"],
    ".errors": ["AuthError", "ConfigError", "EvalError", "InputError", "ModelError", "NewsfuseError", "NotFoundError",
                "StoreError", "TooLargeError"],
    ".export": ["story_html", "story_markdown"],
    ".ingest.article": ["to_article"],
    ".ingest.sources": ["iter_raw_items", "jsonl_record", "stream_items"],
    ".pipeline": ["analyze_stored", "build_story_records", "ingest"],
    ".query": ["find_entities", "find_stories", "get_article", "get_entity", "get_story", "list_stories", "search",
               "timeline"],
    ".records": ["Analysis", "Article", "Entity", "Event", "IngestReport", "Mention", "Quote", "RawItem", "Skipped",
                 "Span"],
    ".static_embed": ["StaticEmbedder"],
    ".store": ["Store", "open_store"],
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

# `ingest` is the pipeline function, but newsfuse.ingest is also a subpackage,
# and the first import of a subpackage binds its name here, hiding the function
# from __getattr__. Import the subpackage now (its __init__ is empty) and drop
# that binding: later imports of its modules do not bind it again.
importlib.import_module(".ingest", __name__)
del globals()["ingest"]


def __getattr__(name: str):
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what type checkers and editors see: the same names, imported eagerly
    from .cluster import ClusterOptions
    from .config import Options
    from .embed import MiniLMEmbedder
    from .errors import (AuthError, ConfigError, EvalError, InputError, ModelError, NewsfuseError, NotFoundError,
                         StoreError, TooLargeError)
    from .export import story_html, story_markdown
    from .ingest.article import to_article
    from .ingest.sources import iter_raw_items, jsonl_record, stream_items
    from .pipeline import analyze_stored, build_story_records, ingest
    from .query import (find_entities, find_stories, get_article, get_entity, get_story, list_stories, search,
                        timeline)
    from .records import Analysis, Article, Entity, Event, IngestReport, Mention, Quote, RawItem, Skipped, Span
    from .static_embed import StaticEmbedder
    from .store import Store, open_store
