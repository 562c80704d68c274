"""Store services: ingest files, import areas, report status, hand DataFrames to analysis."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.db.models import Count, Max, Min

from saferplaces.incidents import store
from saferplaces.incidents.models import Area, ImportBatch, Incident, MapPointArea
from saferplaces.ingest import boundaries, mapped, policeuk
from saferplaces.ingest.errors import IngestError, RowProblem

Progress = Callable[[str, int, int], None]

__all__ = [
    "FileOutcome", "IngestReport", "ingest_police_uk", "ingest_mapped", "import_areas",
    "store_status", "store_is_synthetic", "incident_frame", "area_membership",
]


@dataclass
class FileOutcome:
    name: str
    rows_read: int = 0
    rows_added: int = 0
    rows_present: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    error: IngestError | None = None

    @property
    def rows_rejected(self) -> int:
        if self.error is not None:
            return self.rows_read
        return len({p.row for p in self.problems})


@dataclass
class IngestReport:
    files: list[FileOutcome]

    @property
    def ok(self) -> bool:
        return not any(f.error or f.problems for f in self.files)

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)


def _is_synthetic_folder(path: Path) -> bool:
    return any((parent / "SYNTHETIC-DATA.txt").exists() for parent in [path.parent, *path.parents][:4])


def _write(parsed: list[tuple[FileOutcome, pd.DataFrame, str, str, bool]], source: str,
           progress: Progress | None) -> None:
    """Write every parsed file in one transaction: all or nothing."""
    with transaction.atomic():
        store.lock_store()
        areas = store.load_area_index()
        for done, (outcome, frame, name, digest, synthetic) in enumerate(parsed, start=1):
            batch = ImportBatch.objects.create(source=source, path=name[-1000:], sha256=digest,
                                               rows_read=outcome.rows_read, synthetic=synthetic)
            result = store.write_incidents(frame, batch_id=batch.id, areas=areas)
            outcome.rows_added, outcome.rows_present = result.added, result.present
            ImportBatch.objects.filter(pk=batch.pk).update(
                rows_added=result.added, rows_present=result.present, rows_rejected=outcome.rows_rejected)
            if progress:
                progress("write", done, len(parsed))


@dataclass
class _Source:
    """One file to read: its name, where it lies (for the synthetic label) and its bytes."""

    name: str
    path: Path
    read: Callable[[], bytes]


Parser = Callable[[bytes, str], tuple[pd.DataFrame, list[RowProblem], int, bool]]


def _ingest(sources: list[_Source], parse: Parser, source_name: str, *, skip_invalid: bool,
            progress: Progress | None) -> IngestReport:
    """Read and check every file first; write them all in one transaction only if none was
    rejected (or, with ``skip_invalid``, write the good rows)."""
    outcomes: list[FileOutcome] = []
    parsed = []
    for done, item in enumerate(sources, start=1):
        outcome = FileOutcome(item.name)
        outcomes.append(outcome)
        data = item.read()
        try:
            frame, problems, rows_read, synthetic = parse(data, item.name)
        except IngestError as exc:
            outcome.error = exc
            outcome.rows_read = max(data.count(b"\n") - 1, 0)
        else:
            outcome.rows_read, outcome.problems = rows_read, problems
            parsed.append((outcome, frame, item.name, hashlib.sha256(data).hexdigest(),
                           synthetic or _is_synthetic_folder(item.path)))
        if progress:
            progress("read", done, len(sources))
    report = IngestReport(outcomes)
    if any(o.error for o in outcomes) and not skip_invalid:
        return report
    _write(parsed, source_name, progress)
    return report


def ingest_police_uk(paths: Iterable[Path], *, skip_invalid: bool = False,
                     progress: Progress | None = None) -> IngestReport:
    """Load police.uk street-level files, folders and zip archives.

    Strict by default: if any file has a bad row, nothing at all is written. With
    ``skip_invalid`` the good rows load and the bad ones are returned as problems.
    """
    def parse(data: bytes, name: str) -> tuple[pd.DataFrame, list[RowProblem], int, bool]:
        result = policeuk.parse(data, name, skip_invalid=skip_invalid)
        return result.frame, result.problems, result.rows_read, False

    sources = [_Source(item.name, item.path, item.read_bytes)
               for item in policeuk.discover([Path(p) for p in paths])]
    return _ingest(sources, parse, policeuk.SOURCE, skip_invalid=skip_invalid, progress=progress)


def ingest_mapped(paths: Iterable[Path], mapping: mapped.Mapping, *, skip_invalid: bool = False,
                  progress: Progress | None = None) -> IngestReport:
    """Load partner CSVs through a mapping; all-or-nothing as ``ingest_police_uk``."""
    files: list[Path] = []
    for path in (Path(p) for p in paths):
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        files.extend(sorted(path.rglob("*.csv")) if path.is_dir() else [path])

    def parse(data: bytes, name: str) -> tuple[pd.DataFrame, list[RowProblem], int, bool]:
        result = mapped.parse_mapped(data, name, mapping, skip_invalid=skip_invalid)
        return result.frame, result.problems, result.rows_read, result.synthetic

    sources = [_Source(str(path), path, path.read_bytes) for path in files]
    return _ingest(sources, parse, mapping.source, skip_invalid=skip_invalid, progress=progress)


@dataclass
class AreaImport:
    kind: str
    created: int
    updated: int
    links: int


def import_areas(path: Path, kind: str, *, name_field: str | None = None, code_field: str | None = None,
                 population_field: str | None = None, progress: Progress | None = None) -> AreaImport:
    """Import (or re-import) areas of one kind and link every stored incident to them."""
    records = boundaries.read_boundaries(path, name_field=name_field, code_field=code_field,
                                         population_field=population_field)
    synthetic = _is_synthetic_folder(Path(path))
    created = updated = links = 0
    with transaction.atomic():
        store.lock_store()
        for done, record in enumerate(records, start=1):
            area, was_created = Area.objects.update_or_create(
                kind=kind, code=record.code,
                defaults={"name": record.name, "geometry": record.geometry, "population": record.population,
                          "properties": {**record.properties, **({"synthetic": True} if synthetic else {})},
                          "source_file": str(path)[-500:]},
            )
            created += was_created
            updated += not was_created
            if progress:
                progress("areas", done, len(records))
        links = store.link_kind(kind)
    return AreaImport(kind, created, updated, links)


def store_is_synthetic() -> bool:
    try:
        return ImportBatch.objects.filter(synthetic=True).exists()
    except Exception:  # no tables yet (before migrate): nothing to label
        return False


def store_status() -> dict:
    """Counts for ``saferplaces status --json`` (documented in the README)."""
    incidents = Incident.objects.all()
    span = incidents.aggregate(first=Min("month"), last=Max("month"))
    by_source = dict(incidents.values_list("source").annotate(n=Count("id")).order_by("source"))
    by_category = dict(incidents.values_list("category").annotate(n=Count("id")).order_by("-n"))
    areas = dict(Area.objects.values_list("kind").annotate(n=Count("id")).order_by("kind"))
    linked = dict(Incident.objects.filter(point__isnull=False).values_list("point__areas__kind")
                  .annotate(n=Count("id")).order_by("point__areas__kind"))
    return {
        "incidents": {
            "total": sum(by_source.values()),
            "by_source": by_source,
            "by_category": by_category,
            "first_month": span["first"].strftime("%Y-%m") if span["first"] else None,
            "last_month": span["last"].strftime("%Y-%m") if span["last"] else None,
        },
        "areas": {kind: {"areas": n, "incident_links": linked.get(kind, 0)} for kind, n in areas.items()},
        "imports": ImportBatch.objects.count(),
        "synthetic": store_is_synthetic(),
    }


FRAME_FIELDS = (
    "id", "source", "category", "month", "occurred", "precision", "lat", "lon", "x", "y",
    "lsoa_code", "location", "victim_ref", "hate_race", "hate_religion", "hate_sexual_orientation",
    "hate_disability", "hate_transgender", "domestic", "alcohol", "drugs", "weapon",
)


def incident_frame(*, sources: Iterable[str] | None = None, categories: Iterable[str] | None = None,
                   first_month: str | None = None, last_month: str | None = None) -> pd.DataFrame:
    """The analysis table (``saferplaces.analysis.frame``) for a selection of stored incidents."""
    query = Incident.objects.all()
    if sources:
        query = query.filter(source__in=list(sources))
    if categories:
        query = query.filter(category__in=list(categories))
    if first_month:
        query = query.filter(month__gte=f"{first_month}-01")
    if last_month:
        query = query.filter(month__lte=f"{last_month}-01")
    frame = pd.DataFrame.from_records(list(query.values_list(*FRAME_FIELDS)), columns=list(FRAME_FIELDS))
    frame["month"] = pd.to_datetime(frame["month"])
    frame["occurred"] = pd.to_datetime(frame["occurred"], utc=True).dt.tz_localize(None)
    for name in ("lat", "lon", "x", "y"):
        frame[name] = frame[name].astype(float)
    return frame


def area_membership(kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """Long table ``incident_id, area_kind, area_code, area_name``: a row per incident and area it
    falls in (the areas of its map point), ordered by incident."""
    columns = ["incident_id", "area_kind", "area_code", "area_name"]
    links = MapPointArea.objects.all()
    if kinds:
        links = links.filter(area__kind__in=list(kinds))
    by_point = pd.DataFrame.from_records(
        list(links.values_list("point_id", "area__kind", "area__code", "area__name").order_by("point_id", "area_id")),
        columns=["point_id", *columns[1:]])
    if by_point.empty:
        return pd.DataFrame(columns=columns)
    incidents = pd.DataFrame.from_records(
        list(Incident.objects.filter(point__isnull=False).values_list("id", "point_id").order_by("id")),
        columns=["incident_id", "point_id"])
    return incidents.merge(by_point, on="point_id", sort=False)[columns]
