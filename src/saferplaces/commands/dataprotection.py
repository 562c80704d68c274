"""``saferplaces sar`` and ``saferplaces retention``: subject access and retention from the
command line, for the partnership's data protection officer.

People and cases are named by number or reference only, never by name (a command line is kept
in shell histories and process lists); the files written are named by the record's number.
Every export and deletion is recorded in the audit log as made from the command line.
"""

from __future__ import annotations

from pathlib import Path

import click

from saferplaces.commands.common import console, out

#: The audit log's reason for a subject access export when none is given.
DEFAULT_SAR_REASON = "subject access request"


@click.command("sar")
@click.argument("person_id", type=click.IntRange(min=1), metavar="PERSON_ID")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write the copies (and the review sheet) to (made if missing).")
@click.option("--unredacted", is_flag=True,
              help="Include other people's names and details (needs --reason).")
@click.option("--reason", default="",
              help="Why, and the request's reference: kept in the audit log. Needed with "
                   "--unredacted; never write the person's name.")
@click.option("--release", "review_file", type=click.Path(dir_okay=False, exists=True,
                                                          path_type=Path),
              help="Release the reviewed copy: the draft's review sheet with a decision "
                   "(disclose or withhold) and, for a withheld item, an exemption for every "
                   "note and file.")
def sar(person_id: int, out_dir: Path, unredacted: bool, reason: str,
        review_file: Path | None) -> None:
    """Write everything held about one person (record number PERSON_ID) as JSON and PDF.

    Without --release, a DRAFT for review: the copies are marked as drafts, each note and file
    has an item key, and a review sheet (CSV) lists the items. Read the draft, fill in the
    sheet's decision (disclose or withhold) and exemption (a key from the exemptions file) for
    every item, then run again with --release SHEET: the released copy leaves withheld items
    out and names the exemptions claimed. A release is refused if a note or file was added or
    changed since the draft.

    Other people's names and details are replaced by "[another person]" and "[redacted: third
    party]" unless --unredacted is given with a --reason. Drafts and releases are recorded in
    the audit log.
    """
    reason = " ".join(reason.split())
    if unredacted and not reason:
        raise click.UsageError("--unredacted needs --reason: why other people's data may be "
                               "disclosed (kept in the audit log)")
    from saferplaces.commands.common import setup_django

    setup_django()
    from django.db import transaction
    from django.utils import timezone

    from saferplaces.apps.dataprotection import review
    from saferplaces.apps.dataprotection import sar as subject
    from saferplaces.apps.people.models import Person

    person = Person.objects.filter(pk=person_id).select_related("owner_agency").first()
    if person is None:
        raise click.ClickException(f"there is no person with record number {person_id}")
    if person.merged_into_id is not None:
        raise click.ClickException(f"record {person_id} was merged into record "
                                   f"{person.merged_into_id}: ask for that one")
    data = subject.subject_access(person, redact=not unredacted)
    summary = None
    if review_file is not None:
        try:
            decisions = review.read_review_sheet(review_file.read_text(encoding="utf-8"), data)
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"could not read {review_file}: {exc}") from None
        except review.ReviewError as exc:
            raise click.ClickException(f"{review_file.name}: {exc}; nothing was released") from None
        data = review.release(data, decisions)
        summary = review.audit_summary(decisions)
    stem = subject.file_stem(person.pk, timezone.localdate(), draft=review_file is None)
    json_path, pdf_path = out_dir / f"{stem}.json", out_dir / f"{stem}.pdf"
    sheet_path = out_dir / f"{stem.removesuffix('-draft')}-review.csv"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with transaction.atomic():
            subject.audit_export(person, redact=not unredacted, released=summary,
                                 reason=reason or DEFAULT_SAR_REASON, where=" (command line)")
            json_path.write_text(subject.to_json(data), encoding="utf-8")
            pdf_path.write_bytes(subject.render_pdf(data))
            if review_file is None:
                sheet_path.write_text(review.review_sheet(data), encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"could not write to {out_dir}: {exc.strerror or exc}; "
                                   "nothing was exported or recorded") from None
    cases = len(data["cases"])
    others = "other people included" if unredacted else "other people redacted"
    plural = "s" if cases != 1 else ""
    if review_file is None:
        out.print(f"Written record {person.pk}'s subject access copy, a DRAFT for review "
                  f"({others}; {cases} case{plural}) to {json_path} and {pdf_path}, and its "
                  f"review sheet to {sheet_path}. Fill in the sheet, then run again with "
                  f"--release {sheet_path}", highlight=False)
    else:
        out.print(f"Written record {person.pk}'s subject access copy, released after review "
                  f"({others}; {cases} case{plural}; {summary}) to {json_path} and {pdf_path}",
                  highlight=False)


@click.group()
def retention() -> None:
    """Closed cases past their retention period: list them, and delete one with a reason."""


@retention.command("review")
def review() -> None:
    """List the closed cases past their case type's retention period, longest due first.

    The periods come from the case-types file (retention_years after closure; for types about
    children, until each child in the case reaches retain_until_age, if that is later). Cases
    whose period cannot be worked out are listed after, with the reason.
    """
    from saferplaces.commands.common import setup_django

    setup_django()
    from rich.table import Table

    from saferplaces.apps.cases.models import Case
    from saferplaces.apps.dataprotection.retention import review as review_cases

    found = review_cases(Case.objects.all())
    if not found.due:
        out.print("No closed case is past its retention period.", highlight=False)
    else:
        table = Table("Reference", "Type", "Held by", "Closed on", "Due since",
                      title=f"{len(found.due)} case{'s' if len(found.due) != 1 else ''} due "
                            "for deletion")
        for due in found.due:
            table.add_row(due.case.reference, due.type_label, due.case.owner_agency.name,
                          str(due.case.closed_on), str(due.on))
        out.print(table)
    for due in found.undecided:
        out.print(f"{due.case.reference}: cannot be worked out: {due.undecided}", highlight=False)


@retention.command("delete")
@click.argument("case_ref", metavar="CASE_REF")
@click.option("--reason", required=True,
              help="Why it is deleted (kept in the audit log for ever: no names or details).")
def delete(case_ref: str, reason: str) -> None:
    """Delete the due case CASE_REF (its reference, e.g. ASB-2019-0004) and the people held
    only in it.

    Refused while the case is open or not yet past its retention period. The audit log keeps
    a "delete" event for the case and each person, with the reference and the record numbers
    but no personal details.
    """
    from saferplaces.commands.common import setup_django

    setup_django()
    from saferplaces.apps.cases.models import Case
    from saferplaces.apps.dataprotection.retention import RetentionError, delete_case

    case = Case.objects.filter(reference__iexact=case_ref.strip()).first()
    if case is None:
        raise click.ClickException(f"there is no case {case_ref}")
    try:
        done = delete_case(case, reason=reason)
    except RetentionError as error:
        console.print(str(error), markup=False, highlight=False)
        raise SystemExit(1) from None
    out.print(f"Deleted {done.reference}: {done.notes} note{'s' if done.notes != 1 else ''}, "
              f"{done.people} {'person' if done.people == 1 else 'people'} held only in it",
              highlight=False)
