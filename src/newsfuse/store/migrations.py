"""Schema migrations: an ordered list, each applied once in a transaction.

``PRAGMA user_version`` records how far a database has been migrated. Never
edit a shipped migration: append a new one.
"""

MIGRATIONS: list[str] = [
    # 1: articles, their URLs, near-duplicate index, vectors, stories.
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        external_id TEXT,
        origin TEXT,
        url TEXT,
        source TEXT,
        title TEXT,
        published TEXT,
        published_from TEXT,
        language TEXT,
        text TEXT NOT NULL,
        sentences TEXT NOT NULL,
        removed TEXT NOT NULL,
        near_dup_of TEXT REFERENCES articles(id),
        story_id TEXT,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_external ON articles(external_id);
    CREATE TABLE article_urls (
        article_id TEXT NOT NULL REFERENCES articles(id),
        url TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (article_id, url)
    );
    CREATE TABLE minhash (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        signature BLOB NOT NULL
    );
    CREATE TABLE minhash_bands (
        band INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        article_id TEXT NOT NULL
    );
    CREATE INDEX minhash_bands_lookup ON minhash_bands(band, bucket);
    CREATE TABLE article_vectors (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        model TEXT NOT NULL,
        vector BLOB NOT NULL
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT,
        first_seen TEXT,
        last_seen TEXT,
        n_articles INTEGER NOT NULL DEFAULT 0,
        merged_into TEXT REFERENCES stories(id),
        state BLOB,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE story_merges (
        from_id TEXT NOT NULL REFERENCES stories(id),
        into_id TEXT NOT NULL REFERENCES stories(id),
        merged_at TEXT NOT NULL,
        reason TEXT
    );
    CREATE TABLE ingest_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        report TEXT
    );
    """,
    # 2: document frequencies for streaming TF-IDF; key-value metadata (the
    # story vector index's generation token, the document count).
    """
    CREATE TABLE term_df (
        term TEXT PRIMARY KEY,
        df INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT
    );
    """,
    # 3: what the analysis stage read in each article (JSON, by extractor
    # version) and an index of the entities each article names.
    """
    CREATE TABLE analyses (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        version INTEGER NOT NULL,
        data TEXT NOT NULL,
        analyzed_at TEXT NOT NULL
    );
    CREATE TABLE article_entities (
        article_id TEXT NOT NULL REFERENCES articles(id),
        entity_key TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (article_id, entity_key)
    ) WITHOUT ROWID;
    CREATE INDEX article_entities_key ON article_entities(entity_key);
    """,
    # 4: each story's built record (claims, summary, timeline, ...) as JSON,
    # with the key of the articles and analyses it was built from: a record
    # whose key no longer matches is stale and is rebuilt.
    """
    CREATE TABLE story_records (
        story_id TEXT PRIMARY KEY REFERENCES stories(id),
        version INTEGER NOT NULL,
        source_key TEXT NOT NULL,
        data TEXT NOT NULL,
        built_at TEXT NOT NULL
    );
    """,
    # 5: what alignment reads of each article, computed once when it is
    # processed: its claims (JSON), their vectors (int8) and its shingle
    # hashes. Records of version 1 are rebuilt from these (version check).
    """
    CREATE TABLE article_claims (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        version INTEGER NOT NULL,
        claims TEXT NOT NULL,
        vectors BLOB NOT NULL,
        shingles BLOB NOT NULL
    );
    """,
    # 6: a story record's facts, one row each, so that a growing story
    # rewrites only the facts an article changed (records of version 2 keep
    # theirs inside the record and are rebuilt).
    """
    CREATE TABLE story_facts (
        story_id TEXT NOT NULL,
        fact_id INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (story_id, fact_id)
    ) WITHOUT ROWID;
    """,
    # 7: the stories whose record must be (re)built, written in the same
    # transaction as the batch that made them stale, so that a run killed
    # before it built them leaves the work stored for the next run to finish.
    """
    CREATE TABLE pending_records (
        story_id TEXT PRIMARY KEY
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO pending_records
        SELECT s.id FROM stories s LEFT JOIN story_records r ON r.story_id = s.id
        WHERE s.merged_into IS NULL AND r.story_id IS NULL;
    """,
    # 8: the read layer (query.py). Full-text indexes over articles (title,
    # text) and over facts (the words of each fact's claims, kept in
    # fact_texts so a fact's row can be found and deleted by its key); each
    # article's place (its analysis' location) and its entities' aliases, so
    # filters and entity look-ups need no JSON; indexes for story listing.
    # Articles are only ever inserted (Store.insert_article adds their row to
    # the index), never updated or deleted.
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='rowid',
        tokenize='porter unicode61 remove_diacritics 2');
    INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
    CREATE TABLE fact_texts (
        id INTEGER PRIMARY KEY,
        story_id TEXT NOT NULL,
        fact_id INTEGER NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (story_id, fact_id)
    );
    CREATE VIRTUAL TABLE facts_fts USING fts5(text, story_id UNINDEXED, fact_id UNINDEXED, content='fact_texts',
        content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
    INSERT INTO fact_texts (story_id, fact_id, text)
        SELECT story_id, fact_id, group_concat(part, char(10)) FROM (
            SELECT DISTINCT f.story_id, f.fact_id,
                substr(a.text, json_extract(m.value, '$[2]') + 1,
                       json_extract(m.value, '$[3]') - json_extract(m.value, '$[2]')) AS part
            FROM story_facts f, json_each(f.data, '$.members') m
            JOIN articles a ON a.id = json_extract(m.value, '$[0]'))
        GROUP BY story_id, fact_id;
    INSERT INTO facts_fts(facts_fts) VALUES ('rebuild');
    CREATE TABLE article_places (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        place_key TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX article_places_key ON article_places(place_key);
    INSERT INTO article_places
        SELECT article_id, json_extract(data, '$.location') FROM analyses
        WHERE json_extract(data, '$.location') IS NOT NULL;
    CREATE TABLE entity_aliases (
        article_id TEXT NOT NULL REFERENCES articles(id),
        entity_key TEXT NOT NULL,
        alias TEXT NOT NULL,
        PRIMARY KEY (article_id, entity_key, alias)
    ) WITHOUT ROWID;
    CREATE INDEX entity_aliases_key ON entity_aliases(entity_key);
    INSERT OR IGNORE INTO entity_aliases
        SELECT n.article_id, json_extract(e.value, '$.key'), al.value
        FROM analyses n, json_each(n.data, '$.entities') e, json_each(e.value, '$.aliases') al;
    CREATE INDEX article_entities_name ON article_entities(name COLLATE NOCASE);
    CREATE INDEX articles_seq ON articles(seq);
    CREATE INDEX stories_latest ON stories(COALESCE(last_seen, first_seen, ''), id) WHERE merged_into IS NULL;
    CREATE INDEX stories_largest ON stories(n_articles, id) WHERE merged_into IS NULL;
    """,
]
