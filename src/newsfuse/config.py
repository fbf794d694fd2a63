"""Settings: one options object with shipped defaults.

Every default says why it is what it is. Pass a modified copy
(``dataclasses.replace(Options(), ...)``) to change one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError


@dataclass(frozen=True)
class Options:
    # Files larger than this are skipped with a reason: a news article is a
    # few KB of text or a few MB of HTML; 20 MB is far past any real page and
    # keeps a stray dump or binary from exhausting memory.
    max_file_bytes: int = 20_000_000
    # The limits below bound what one hostile input can cost (time, memory,
    # report lines); codes NF112-NF117 in ingest/sources.py name them.
    # Article text (after decoding or HTML extraction) longer than this is
    # refused: the longest of the 1,648 articles in shared/data is 33,672
    # characters, and a long-form report of 30,000 words about 200,000; spaCy
    # needs about 1 GB of temporary memory per 100,000 characters (its
    # nlp.max_length docs), and a 16 MB one-line text took 22 s in cleaning
    # alone and 3.3 GB in a full run before this limit.
    max_text_chars: int = 200_000
    # title, source, id and published: a headline is under 300 characters and
    # an id or date far less; 2,000 keeps any real one and stops a whole
    # article pasted into the title from reaching the report and the store.
    max_meta_chars: int = 2_000
    # URLs: browsers and servers cap them near 8 KB (longer ones fail to load).
    max_url_chars: int = 8_192
    # A .meta.json sidecar holds five short fields; 64 KB is far beyond that
    # and keeps a mistaken or hostile sidecar from being read whole.
    max_meta_file_bytes: int = 65_536
    # A JSON Lines file (after decompression) is read at most this far: 4 GB
    # is about a million articles, more than one batch file should hold,
    # and a 9 KB gzip bomb stops here instead of decompressing for hours.
    max_stream_bytes: int = 4_000_000_000
    # After this many skipped lines, the rest of a JSON Lines file is not
    # read (one Skipped says so): such a file is not JSON Lines of articles
    # (a 9 KB gzip of "{}" lines gave 3.1 million report entries).
    max_skips_per_file: int = 1_000
    # Decoded content with more than this share of control, unassigned,
    # private-use or replacement characters is not text: real pages and
    # articles have almost none, while random bytes give 30-50 %; 10 %
    # leaves room for a page partly decoded with the wrong charset.
    max_junk_share: float = 0.10
    # A cleaned article shorter than this many words is no report (a
    # headline list, a cookie wall): skip it rather than cluster noise.
    min_words: int = 20
    # Articles per transaction: a crash loses at most one batch, and the
    # embedder works on whole batches (much faster than one at a time).
    batch_size: int = 64
    # Articles are ordered by publication date (which clustering reads
    # best) within windows of this many: only a window is held in memory, so
    # a run of any size streams with flat memory. 5,000 articles is ~50 MB and
    # more than a day of most outlets' news: a feed or CC-NEWS dump, already
    # in time order, clusters the same as if sorted whole.
    order_window: int = 5000

    # Near-duplicates (syndicated copies) by MinHash over word 5-shingles.
    # 128 permutations estimate Jaccard within about ±0.09. The LSH bands
    # (32 bands of 4 rows) catch pairs from about 0.45 up; candidates are then
    # kept only at estimated Jaccard >= near_dup_jaccard. 0.5 sits below the
    # overlap of a wire story reprinted with its own headline, byline and
    # boilerplate, so near-copies at the threshold are still caught.
    minhash_perm: int = 128
    minhash_bands: int = 32
    shingle_words: int = 5
    near_dup_jaccard: float = 0.5
    # Within a story, a report holding at least this share of a smaller
    # report's 5-word shingles copies it (a wire story with the outlet's own
    # additions). Independent reports of one event share at most ~0.25 (news
    # boilerplate, common phrases); an edited AP reprint kept 0.54-0.63.
    copy_containment: float = 0.5

    # Embedding: the packaged all-MiniLM-L6-v2. Texts are cut into windows of
    # this many words (its positional limit is 256 word pieces, about 180
    # words), and at most this many windows per article are embedded.
    embed_window_words: int = 180
    embed_max_windows: int = 4
    embed_batch_size: int = 32

    # Analysis (entities, places, time, quotes, events) and claims run at
    # ingest; off, stories still form and `newsfuse analyze` can fill them
    # in later. spaCy parses this many articles per nlp.pipe batch.
    analyze: bool = True
    nlp_batch_size: int = 16
    # Worker processes for the analysis (one long-lived pool per run; each
    # loads spaCy and the static model once, ~2 s and ~400 MB). 1 runs it in
    # this process. None: workers.default_processes() (2 on these 2-core
    # machines, or NEWSFUSE_PROCESSES).
    processes: int | None = None
    # After each batch, bring the record of every story that gained articles
    # up to date: claims aligned across outlets, summary, timeline. Off,
    # `newsfuse build` does it.
    story_records: bool = True

    # Fetching over HTTP (ingest/fetch.py): `newsfuse ingest URL`, feeds,
    # the pages feed entries link to, `newsfuse watch`.
    # Seconds to connect and between bytes read: a news site answers in
    # well under a second; 20 s rides out a slow one without a dead host
    # holding a feed of 100 entries for an hour.
    fetch_timeout: float = 20.0
    # Tries after the first on a connection error, 429 or 5xx: transient
    # failures (a restart, a rate limit) usually pass within three back-offs.
    fetch_retries: int = 3
    # The first back-off in seconds, doubled on each retry (1, 2, 4 s): spaced
    # enough to let a struggling server recover, short enough for a CLI run.
    fetch_backoff: float = 1.0
    # A server's Retry-After is honoured up to this many seconds: two minutes
    # is polite; an hour-long ban must not stall the run (the item is skipped).
    fetch_retry_after_max: float = 120.0
    # Requests in flight to one host at a time: two is what browsers' politeness
    # guides and most crawlers use; more looks like an attack to a small site.
    fetch_per_host: int = 2
    # Requests in flight in all (over every host): the linked pages of a feed
    # are fetched in parallel, and eight threads keep a 2-core machine busy
    # without holding many 20 MB pages in memory at once.
    fetch_workers: int = 8
    # Redirects followed per request: real chains (http -> https -> www ->
    # canonical) take 3; more is a loop or a tracker chain.
    max_redirects: int = 5
    # The User-Agent sent (and the name robots.txt rules are matched
    # against); None: "newsfuse/<version> (+<project page>)" (fetch.py).
    user_agent: str | None = None
    # A feed entry without its full text: fetch the page it links to (on), or
    # use its summary when long enough (off: no request beyond the feed).
    fetch_pages: bool = True

    def __post_init__(self) -> None:
        if self.max_file_bytes <= 0:
            raise ConfigError("max_file_bytes must be positive", hint="set a size in bytes, e.g. 20000000")
        for name in ("max_text_chars", "max_meta_chars", "max_url_chars", "max_meta_file_bytes",
                     "max_stream_bytes", "max_skips_per_file"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive", hint="see the default in newsfuse.config.Options")
        if not 0 <= self.max_junk_share <= 1:
            raise ConfigError("max_junk_share must be in [0, 1]", hint="0.1 is the shipped default")
        if not 0 < self.copy_containment <= 1:
            raise ConfigError("copy_containment must be in (0, 1]", hint="0.5 is the shipped default")
        if not 0 < self.near_dup_jaccard <= 1:
            raise ConfigError("near_dup_jaccard must be in (0, 1]", hint="0.5 is the shipped default")
        if self.order_window < 1 or self.batch_size < 1:
            raise ConfigError("order_window and batch_size must be at least 1")
        if self.processes is not None and self.processes < 1:
            raise ConfigError(f"processes must be at least 1, not {self.processes}",
                              hint="1 analyses in this process; leave it unset for the default")
        if self.minhash_perm % self.minhash_bands:
            raise ConfigError("minhash_perm must be a multiple of minhash_bands")
        if min(self.fetch_timeout, self.fetch_per_host, self.fetch_workers) <= 0 or \
                min(self.fetch_retries, self.fetch_backoff, self.fetch_retry_after_max, self.max_redirects) < 0:
            raise ConfigError("fetch_timeout, fetch_per_host and fetch_workers must be positive; fetch_retries, "
                              "fetch_backoff, fetch_retry_after_max and max_redirects not negative",
                              hint="see the defaults in newsfuse.config.Options")
