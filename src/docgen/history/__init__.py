"""history: git timeline, field-level changes, diff of submissions. May import: render and below."""
