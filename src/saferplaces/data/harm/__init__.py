"""Shipped harm weight tables (CSV + TOML provenance); see README.md."""
