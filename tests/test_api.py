import newsfuse

PUBLIC = ["Analysis", "Article", "ClusterOptions", "ConfigError", "Entity", "EvalError", "Event", "IngestReport",
          "InputError", "Mention", "ModelError", "NewsfuseError", "NotFoundError", "Options", "Quote", "RawItem",
          "Skipped", "Span", "Store", "StoreError", "__version__", "analyze_stored", "build_story_records", "find_entities",
          "find_stories", "get_article", "get_entity", "get_story", "ingest", "iter_raw_items", "list_stories", "search",
          "timeline", "story_html", "story_markdown", "stream_items",
          # what `newsfuse serve` needs (it imports only public names)
          "AuthError", "TooLargeError", "MiniLMEmbedder", "StaticEmbedder", "jsonl_record", "to_article",
          # a store by path or PostgreSQL URL
          "open_store"]


def test_public_api_is_pinned():
    assert sorted(newsfuse.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert hasattr(newsfuse, name)


def test_every_error_is_a_newsfuse_error_with_a_code():
    for name in ("ConfigError", "EvalError", "InputError", "ModelError", "NotFoundError", "StoreError"):
        error = getattr(newsfuse, name)
        assert issubclass(error, newsfuse.NewsfuseError) and error.code.startswith("NF")
