"""site: the status site's pages from evaluated records, then MkDocs. May import: history and below."""
