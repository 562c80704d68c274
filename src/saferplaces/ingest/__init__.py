"""Readers and validators for incident files and boundaries. No Django here: readers return
pandas DataFrames in the store's column layout (see ``saferplaces.ingest.columns``)."""
