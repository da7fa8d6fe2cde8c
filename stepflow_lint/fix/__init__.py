"""The fix layer: text edits on spans, YAML-aware rewrites, applying fixes until stable, atomic writes."""
