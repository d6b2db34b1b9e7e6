"""Names across scripts: folding (pure), matching (reads) and keys (writes); import the modules directly."""
