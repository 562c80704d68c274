.PHONY: test lint bench demo

test:
	python -m pytest

lint:
	ruff check src tests benchmarks
	lint-imports
	mypy

bench:
	python benchmarks/ingest.py
	python benchmarks/hotspots.py
	python benchmarks/nearrepeat.py
	python benchmarks/assessment.py
	python benchmarks/startup.py
	python benchmarks/load.py
	python benchmarks/pages.py

demo:
	saferplaces demo
