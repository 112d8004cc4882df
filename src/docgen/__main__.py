"""`python -m docgen`: the same command line as the installed `docgen` script."""

from .cli import main

raise SystemExit(main())
