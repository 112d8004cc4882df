"""tooling: the commands that write submissions or hooks (fmt, pre-commit hook). May import: site and below."""
