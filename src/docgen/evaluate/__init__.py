"""evaluate: figures, lights, W4xx findings and drafts, once per submission. May import: check, form, utilities."""
