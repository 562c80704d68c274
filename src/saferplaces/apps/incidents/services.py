"""Store services: ingest files, import areas, report status, hand DataFrames to analysis."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from saferplaces import geo
from saferplaces.analysis.frame import local_wall_clock
from saferplaces.analysis.references import PlaceholderCount
from saferplaces.apps.incidents import identity, store
from saferplaces.apps.incidents.models import Area, ImportBatch, Incident, MapPointArea
from saferplaces.ingest import boundaries, mapped, policeuk
from saferplaces.ingest.errors import IngestError, RowProblem
from saferplaces.ingest.rejects import is_rejects_file
from saferplaces.progress import Progress

__all__ = [
    "FileOutcome", "IngestReport", "ingest_police_uk", "ingest_mapped", "ingest_mapped_rows",
    "import_areas", "rows_as_csv",
    "store_status", "store_is_synthetic", "incident_frame", "area_membership",
]


@dataclass
class FileOutcome:
    name: str
    rows_read: int = 0
    rows_added: int = 0
    rows_present: int = 0
    rows_updated: int = 0  # stored incidents this file had a later version of (updated in place)
    rows_removed: int = 0  # stored incidents of a force's month this later download no longer has
    problems: list[RowProblem] = field(default_factory=list)
    error: IngestError | None = None
    units: list[identity.UnitChange] = field(default_factory=list)  # force's months loaded before
    notes: list[str] = field(default_factory=list)
    placeholders: list[PlaceholderCount] = field(default_factory=list)  # reference columns

    @property
    def rows_rejected(self) -> int:
        if self.error is not None:
            return self.rows_read
        return len({p.row for p in self.problems})

    @property
    def notices(self) -> list[str]:
        """What the load did beyond adding rows: months loaded before, records kept or repeated."""
        return [text for text in (unit.describe() for unit in self.units) if text] + self.notes


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


def _force_month(unit: tuple[Any, ...]) -> str:
    reported_by, month = unit
    return f"{reported_by} {pd.Timestamp(month):%Y-%m}"


#: police.uk files are republished: each is the whole of a force's month (``identity``)
POLICE_UK_REPUBLISHING = identity.Republishing(
    unit_columns=policeuk.UNIT_COLUMNS, stable_columns=policeuk.STABLE_COLUMNS, label=_force_month,
    with_reference="crimes", without_reference="ASB rows")


def _write(parsed: list[tuple[FileOutcome, pd.DataFrame, str, str, bool]], source: str,
           progress: Progress | None, *, republishing: identity.Republishing | None = None,
           repeats: dict[str, int] | None = None) -> None:
    """Write every parsed file in one transaction: all or nothing.

    Files are written in turn by the rules of ``saferplaces.apps.incidents.identity``. Incidents a
    later download no longer has are removed at the end, unless a later file of the same load
    has them (a crime that moved to another month keeps its id). ``repeats`` counts, per file
    name, rows its reader set aside as exact repeats of an earlier row (already present).
    """
    pending: dict[int, tuple[FileOutcome, int, identity.UnitChange]] = {}
    left_points: list[np.ndarray] = []
    with transaction.atomic():
        store.lock_store()
        areas = store.load_area_index()
        for done, (outcome, frame, name, digest, synthetic) in enumerate(parsed, start=1):
            batch = ImportBatch.objects.create(source=source, path=name[-1000:], sha256=digest,
                                               rows_read=outcome.rows_read, synthetic=synthetic)
            result = store.write_incidents(frame, batch_id=batch.id, areas=areas,
                                           order=_file_order(source, digest), republishing=republishing)
            if pending and len(result.confirm_ids):
                for rescued in np.intersect1d(result.confirm_ids, np.fromiter(pending, dtype=np.int64)):
                    del pending[int(rescued)]
            pending.update({i: (outcome, batch.pk, change) for i, change in result.remove.items()})
            left_points.append(result.left_points)
            repeated = (repeats or {}).get(name, 0)
            outcome.rows_added, outcome.rows_updated = result.added, result.updated
            outcome.rows_present = result.present + repeated
            outcome.units, outcome.notes = result.units, _notes(result, repeated)
            ImportBatch.objects.filter(pk=batch.pk).update(
                rows_added=result.added, rows_present=outcome.rows_present, rows_updated=result.updated,
                rows_rejected=outcome.rows_rejected)
            if progress:
                progress("write", done, len(parsed))
        _remove(pending)
        store.drop_unused_points(np.concatenate(left_points) if left_points else np.zeros(0, dtype=np.int64))


def _remove(pending: dict[int, tuple[FileOutcome, int, identity.UnitChange]]) -> None:
    """Remove the incidents no later file of the load had, counting them where they were found."""
    if not pending:
        return
    store.remove_incidents(np.fromiter(pending, dtype=np.int64, count=len(pending)))
    per_batch: dict[int, int] = {}
    for outcome, batch, change in pending.values():
        outcome.rows_removed += 1
        change.removed += 1
        per_batch[batch] = per_batch.get(batch, 0) + 1
    for batch, removed in per_batch.items():
        ImportBatch.objects.filter(pk=batch).update(rows_removed=removed)


def _file_order(source: str, digest: str) -> identity.FileOrder:
    """Where the file with SHA-256 ``digest`` (its import batch already created) stands: loaded
    files are ordered by the import batch that first loaded their bytes."""
    first: dict[str, int] = {}
    rank: dict[int, int] = {}
    label: dict[int, str] = {}
    batches = ImportBatch.objects.filter(source=source).order_by("pk").values_list("pk", "sha256", "path", "started_at")
    for pk, sha, path, started in batches:
        rank[pk] = first.setdefault(sha, pk)
        label[pk] = f"{path}, loaded {timezone.localtime(started):%Y-%m-%d %H:%M}"
    return identity.FileOrder(first[digest], rank, label)


def _notes(result: store.WriteResult, repeated: int) -> list[str]:
    notes = []
    if repeated:
        notes.append(f"{repeated} row(s) repeat an earlier row with the same Crime ID in every column (the "
                     "crime published twice): stored once, counted as already present.")
    if result.kept_later:
        notes.append(f"{result.kept_later} record(s) left as they are: a file loaded after this one "
                     f"({', '.join(result.later_files[:3])}) has a later version of them.")
    return notes


@dataclass
class _Source:
    """One file to read: its name, where it lies (for the synthetic label) and its bytes."""

    name: str
    path: Path | None  # None: bytes that came from no file (rows pushed through the API)
    read: Callable[[], bytes]


Parser = Callable[[bytes, str], tuple[pd.DataFrame, list[RowProblem], int, bool]]


def _ingest(sources: list[_Source], parse: Parser, source_name: str, *, skip_invalid: bool,
            progress: Progress | None, republishing: identity.Republishing | None = None,
            repeats: dict[str, int] | None = None) -> IngestReport:
    """Read and check every file first; write them all in one transaction only if none was
    rejected (or, with ``skip_invalid``, write the good rows). ``republishing`` and ``repeats``
    as for ``_write``."""
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
                           synthetic or (item.path is not None and _is_synthetic_folder(item.path))))
        if progress:
            progress("read", done, len(sources))
    report = IngestReport(outcomes)
    if any(o.error for o in outcomes) and not skip_invalid:
        return report
    _write(parsed, source_name, progress, republishing=republishing, repeats=repeats)
    return report


def ingest_police_uk(paths: Iterable[Path], *, skip_invalid: bool = False,
                     progress: Progress | None = None) -> IngestReport:
    """Load police.uk street-level files, folders and zip archives.

    Strict by default: if any file has a bad row, nothing at all is written. With
    ``skip_invalid`` the good rows load and the bad ones are returned as problems. Each file is
    the whole of its force's month: a later download of a month replaces the earlier one
    (``POLICE_UK_REPUBLISHING``).
    """
    area = partnership_area(geo.POLICE_UK_AREA)
    repeats: dict[str, int] = {}

    def parse(data: bytes, name: str) -> tuple[pd.DataFrame, list[RowProblem], int, bool]:
        result = policeuk.parse(data, name, skip_invalid=skip_invalid, area=area)
        repeats[name] = result.repeats
        return result.frame, result.problems, result.rows_read, False

    sources = [_Source(item.name, item.path, item.read_bytes)
               for item in policeuk.discover([Path(p) for p in paths])]
    return _ingest(sources, parse, policeuk.SOURCE, skip_invalid=skip_invalid, progress=progress,
                   republishing=POLICE_UK_REPUBLISHING, repeats=repeats)


def ingest_mapped(paths: Iterable[Path], mapping: mapped.Mapping, *, skip_invalid: bool = False,
                  progress: Progress | None = None) -> IngestReport:
    """Load partner CSVs through a mapping; all-or-nothing as ``ingest_police_uk``."""
    files: list[Path] = []
    for path in (Path(p) for p in paths):
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        # a folder's own *-rejects.csv files (written by --skip-invalid) are not partner data
        files.extend(sorted(p for p in path.rglob("*.csv") if not is_rejects_file(p)) if path.is_dir() else [path])

    sources = [_Source(str(path), path, path.read_bytes) for path in files]
    return _ingest_mapped_sources(sources, mapping, skip_invalid=skip_invalid, progress=progress)


def ingest_mapped_rows(rows: list[dict[str, Any]], mapping: mapped.Mapping, *, name: str,
                       skip_invalid: bool = False) -> IngestReport:
    """Load rows sent by a partner system (``POST /api/incidents/push/``): each a dict from
    the mapping's column names to values. They are written as one CSV (``rows_as_csv``) and go
    through exactly the path of ``ingest_mapped``: checked whole, written in one transaction
    only if no row is bad, each record matched to the one stored before (a re-push adds
    nothing). ``name`` stands for the file name in problems and in the import's record."""
    data = rows_as_csv(rows)
    return _ingest_mapped_sources([_Source(name, None, lambda: data)], mapping,
                                  skip_invalid=skip_invalid, progress=None)


def rows_as_csv(rows: list[dict[str, Any]]) -> bytes:
    """``rows`` as CSV bytes: the columns in the order first met, a missing or null value
    empty, every value as text. The same rows always give the same bytes, so a re-push is
    recognised like a re-loaded file (rows without a reference are identified by their text)."""
    import csv
    import io

    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(str(key) for key in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = {str(key): value for key, value in row.items()}
        writer.writerow(["" if values.get(c) is None else str(values[c]) for c in columns])
    return buffer.getvalue().encode("utf-8")


def _ingest_mapped_sources(sources: list[_Source], mapping: mapped.Mapping, *, skip_invalid: bool,
                           progress: Progress | None) -> IngestReport:
    """The one mapped-ingest path, for files and pushed rows alike."""
    placeholders: dict[str, list[PlaceholderCount]] = {}
    area = partnership_area(geo.UNITED_KINGDOM)

    def parse(data: bytes, name: str) -> tuple[pd.DataFrame, list[RowProblem], int, bool]:
        result = mapped.parse_mapped(data, name, mapping, skip_invalid=skip_invalid, area=area)
        placeholders[name] = result.placeholders
        return result.frame, result.problems, result.rows_read, result.synthetic

    report = _ingest(sources, parse, mapping.source, skip_invalid=skip_invalid, progress=progress)
    for outcome in report.files:
        outcome.placeholders = placeholders.get(outcome.name, [])
    return report


def partnership_area(default: geo.Region) -> geo.Region:
    """Where the partnership's incidents may lie: the bounds of every loaded area widened by
    ``geo.PARTNERSHIP_MARGIN_KM``, or ``default`` when no areas are loaded."""
    boxes = [shapely.geometry.shape(g).bounds for g in Area.objects.values_list("geometry", flat=True)]
    if not boxes:
        return default
    west, south, east, north = zip(*boxes, strict=True)
    return geo.partnership_region((min(west), min(south), max(east), max(north)), default)


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


def store_status() -> dict[str, Any]:
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
    """The analysis table (``saferplaces.analysis.frame``) for a selection of stored incidents.

    ``occurred`` comes as a UK local wall-clock time (``analysis.frame.local_wall_clock``), so
    every day, week and month an analysis derives from it is a local one; ``month`` is the
    local month the ingest stored.
    """
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
    frame["occurred"] = local_wall_clock(frame["occurred"], frame["precision"])
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
