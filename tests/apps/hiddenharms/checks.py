"""Reading a hidden-harms page or briefing for what it shows: the count cells (``data-count``),
withheld cells (``data-withheld``) and cells of quarters with no data yet (``data-no-data``) of
each table, by the table's id."""

from __future__ import annotations

import re

TABLE = re.compile(r'<table[^>]*id="(?P<id>[^"]+)"[^>]*>(?P<body>.*?)</table>', re.S)
COUNT = re.compile(r'data-count="(\d+)"')
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
HEADER = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
CELL = re.compile(r'<td[^>]*?(?:data-count="(\d+)"|data-withheld="1"|data-no-data="(1)")[^>]*>', re.S)
#: a cell of a quarter with no data yet, as :func:`row` gives it
NO_DATA = "no data yet"


def tables(html: str) -> dict[str, str]:
    return {m["id"]: m["body"] for m in TABLE.finditer(html)}


def counts(html: str, *, skip: tuple[str, ...] = ()) -> list[int]:
    """Every count shown in a table, except in the tables named in ``skip``."""
    return [int(n) for table_id, body in tables(html).items() if table_id not in skip
            for n in COUNT.findall(body)]


def row(html: str, table_id: str, label: str) -> list[int | str | None]:
    """The cells of the row headed ``label`` in table ``table_id``: counts, None where withheld,
    :data:`NO_DATA` where the quarter has no data yet."""
    for found in ROW.finditer(tables(html)[table_id]):
        heads = HEADER.findall(found[1])
        if heads and heads[0].strip() == label:
            return [NO_DATA if empty else int(n) if n else None
                    for n, empty in CELL.findall(found[1])]
    raise AssertionError(f"no row {label!r} in {table_id}")


def small_counts_shown(html: str, threshold: int, *, skip: tuple[str, ...] = ()) -> list[int]:
    return [n for n in counts(html, skip=skip) if 0 < n < threshold]
