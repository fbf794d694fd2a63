import newsfuse

PUBLIC = ["Article", "ClusterOptions", "ConfigError", "EvalError", "IngestReport", "InputError", "ModelError",
          "NewsfuseError", "NotFoundError", "Options", "RawItem", "Skipped", "Store", "StoreError",
          "__version__", "get_story", "ingest", "iter_raw_items", "list_stories", "stream_items"]


def test_public_api_is_pinned():
    assert sorted(newsfuse.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert hasattr(newsfuse, name)


def test_every_error_is_a_newsfuse_error_with_a_code():
    for name in ("ConfigError", "EvalError", "InputError", "ModelError", "NotFoundError", "StoreError"):
        error = getattr(newsfuse, name)
        assert issubclass(error, newsfuse.NewsfuseError) and error.code.startswith("NF")
