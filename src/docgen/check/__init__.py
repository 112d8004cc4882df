"""check: discover, load, validate, E3xx rules into findings; never prints or exits. May import: form, utilities."""
