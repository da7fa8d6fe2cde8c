"""The YAML layer: bytes to Source, text to a node tree with exact spans. Knows nothing of Stepflow."""
