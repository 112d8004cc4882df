"""form: what the official forms are (vocabulary, schemas, model, indicators). May import: the top-level utilities only."""
