"""The domain core: pure functions and immutable values. No click, no files, no YAML."""
