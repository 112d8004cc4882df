"""render: model and templates into build/ (.docx, .xlsx, PDF, bundles, roll-ups). May import: evaluate and below."""
