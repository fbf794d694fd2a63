"""Analysis stages: time expressions (and later entities, quotes, events)."""
