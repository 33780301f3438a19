"""Files: YAML loading with positions, the append-only record log and derived caches."""
