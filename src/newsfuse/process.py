"""The per-article work of ingest that needs models: one spaCy parse with
every extractor, the claims, their vectors and the article's shingles.

``process_batch`` is what a worker process runs (workers.py): the models
load once per process (``load_models``), and a batch of articles goes
through one ``nlp.pipe``. What comes back is compact and ready to store, so
the single writer in the main process only inserts it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import Analysis, Article

_MODELS: dict = {}


@dataclass
class Processed:
    """What the model stages read in one article, ready to store."""

    article_id: str
    analysis: Analysis | None
    claims: list[dict]
    vectors: bytes  # ClaimVectors.to_bytes()
    shingles: bytes  # sorted uint64 shingle hashes
    error: str | None = None  # why the article could not be analysed (it is still ingested)

    @classmethod
    def failed(cls, article_id: str, error: str, analysis: Analysis | None = None) -> Processed:
        """An article whose analysis (or only its claims, with ``analysis``) could not be made."""
        return cls(article_id, analysis, [], b"", b"", error=error)

    @classmethod
    def not_read(cls, article: Article) -> Processed:
        """An article the English models cannot read: nothing to store (its
        stored language is the note: ``query.not_analysed`` counts them)."""
        return cls(article.id, None, [], b"", b"")


def load_models(nlp_batch_size: int = 16, shingle_words: int = 5, worker: bool = False) -> None:
    """Load spaCy and the static model in this process (a worker's initializer)."""
    from .analyze.nlp import load_nlp

    if worker:  # one thread each: the workers and the main process already share the cores
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    load_nlp()
    _MODELS.update(nlp_batch_size=nlp_batch_size, shingle_words=shingle_words)
    _static().encode(["load"])  # the matrix is read (or distilled) now, not on the first article


def process_batch(articles: list[Article]) -> list[Processed]:
    """Analyse a batch of articles and compute their claims, vectors and
    shingles; articles in a language the English models cannot read are not
    analysed (``Processed.not_read``): their story says so."""
    from .clean import readable

    done = dict(zip((i for i, a in enumerate(articles) if readable(a.language)),
                    _analysed([a for a in articles if readable(a.language)])))
    return [done[i] if i in done else Processed.not_read(a) for i, a in enumerate(articles)]


def _analysed(articles: list[Article]) -> list[Processed]:
    from .analyze.article import analyze_articles

    if not articles:
        return []
    if not _MODELS:
        load_models()
    try:
        analyses = list(analyze_articles(articles, batch_size=_MODELS["nlp_batch_size"]))
    except Exception:  # one text spaCy refuses (too long, ...): find it, keep the others
        return [_alone(article) for article in articles]
    return [_claims_of(article, analysis) for article, analysis in zip(articles, analyses)]


def _claims_of(article: Article, analysis: Analysis) -> Processed:
    try:
        return processed(article, analysis)
    except Exception as exc:  # a claims bug on one odd text keeps the analysis and loses only the claims
        return Processed.failed(article.id, f"claims: {type(exc).__name__}: {exc}", analysis)


def _alone(article: Article) -> Processed:
    from .analyze.article import analyze_articles

    try:
        return processed(article, next(analyze_articles([article])))
    except Exception as exc:  # spaCy and extractor errors have many types
        return Processed.failed(article.id, f"{type(exc).__name__}: {exc}")


def processed(article: Article, analysis: Analysis) -> Processed:
    """Claims, vectors and shingles of an analysed article."""
    from .align import claim_parts

    claims, vectors, shingles = claim_parts(article, analysis, _static(), _MODELS.get("shingle_words", 5))
    return Processed(article.id, analysis, [c.as_dict() for c in claims], vectors.to_bytes(), shingles.tobytes())


def _static():
    if "static" not in _MODELS:
        from .static_embed import StaticEmbedder

        _MODELS["static"] = StaticEmbedder()
    return _MODELS["static"]
