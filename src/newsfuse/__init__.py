"""newsfuse: many news reports in, one story per real-world event out.

The public API is what this module exports; a test pins it.
"""

from .cluster import ClusterOptions
from .config import Options
from .errors import ConfigError, EvalError, InputError, ModelError, NewsfuseError, NotFoundError, StoreError
from .ingest.sources import iter_raw_items, stream_items
from .pipeline import ingest
from .query import get_story, list_stories
from .records import Article, IngestReport, RawItem, Skipped
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ClusterOptions",
    "ConfigError",
    "EvalError",
    "IngestReport",
    "InputError",
    "ModelError",
    "NewsfuseError",
    "NotFoundError",
    "Options",
    "RawItem",
    "Skipped",
    "Store",
    "StoreError",
    "__version__",
    "get_story",
    "ingest",
    "iter_raw_items",
    "list_stories",
    "stream_items",
]
