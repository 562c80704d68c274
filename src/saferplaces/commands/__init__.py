"""Sub-commands of the ``saferplaces`` CLI, one module per family (kept out of cli.py)."""
