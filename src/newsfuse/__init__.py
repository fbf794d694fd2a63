"""newsfuse: many news reports in, one story per real-world event out.

The public API is what this module exports; a test pins it.
"""

from .cluster import ClusterOptions
from .config import Options
from .errors import (
    ConfigError,
    EvalError,
    InputError,
    ModelError,
    NewsfuseError,
    NotFoundError,
    StoreError,
)
from .export import story_html, story_markdown
from .ingest.sources import iter_raw_items, stream_items
from .pipeline import analyze_stored, build_story_records, ingest
from .query import get_story, list_stories
from .records import (
    Analysis,
    Article,
    Entity,
    Event,
    IngestReport,
    Mention,
    Quote,
    RawItem,
    Skipped,
    Span,
)
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Article",
    "ClusterOptions",
    "ConfigError",
    "Entity",
    "EvalError",
    "Event",
    "IngestReport",
    "InputError",
    "Mention",
    "ModelError",
    "NewsfuseError",
    "NotFoundError",
    "Options",
    "Quote",
    "RawItem",
    "Skipped",
    "Span",
    "Store",
    "StoreError",
    "__version__",
    "analyze_stored",
    "build_story_records",
    "get_story",
    "ingest",
    "iter_raw_items",
    "list_stories",
    "story_html",
    "story_markdown",
    "stream_items",
]
