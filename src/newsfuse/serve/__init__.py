"""`newsfuse serve`: the HTTP API and the web pages, over the library's read
functions (``newsfuse.query`` through the public API) and its ingest.

Reads open the database read-only per request and never build a record or
load a model for it; the one writer is ``POST /api/articles``, which runs
the same ``ingest`` as the CLI, one at a time.
"""
