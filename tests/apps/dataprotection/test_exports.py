"""Exports of case and people lists: redacted by default, only what the user may see, and
spreadsheets with nothing hidden and no formulas."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import pytest
from openpyxl import load_workbook

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.models import Party, ShareLevel
from saferplaces.apps.dataprotection.exports import age_band, case_table, people_table
from tests.apps.dataprotection.conftest import case, person

REASON = "Multi-agency panel on 3 June needs the named list"


def rows_of(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_age_bands_split_children_from_adults():
    assert [age_band(a) for a in (None, 0, 9, 17, 18, 24, 64, 65, 101)] == [
        "", "0 to 9", "0 to 9", "10 to 17", "18 to 24", "18 to 24", "55 to 64", "65 and over",
        "65 and over"]


def test_the_redacted_case_list_has_no_titles_or_names(world, client_of):
    response = client_of("owner-practitioner").get("/exports/cases.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    text = response.content.decode("utf-8-sig")
    rows = rows_of(response)
    assert {r["Reference"] for r in rows} == {"ASB-2019-0001", "ASB-2019-0002"}
    assert "Title" not in rows[0]
    for detail in ("Sarah", "Ockwell", "Mary", "threats"):
        assert detail not in text
    event = AuditEvent.objects.get(action="export", object_type="case-list")
    assert "2 rows" in event.reason and "redacted" in event.reason


def test_the_redacted_people_list_gives_age_bands_and_no_names_contacts_or_addresses(world,
                                                                                    client_of):
    response = client_of("owner-practitioner").get("/exports/people.csv")
    rows = {int(r["Record number"]): r for r in rows_of(response)}
    text = response.content.decode("utf-8-sig")
    assert rows[world.subject.pk]["Age band"] == age_band(world.subject.age_on(datetime.date.today()))
    assert rows[world.subject.pk]["Age band"] in {"35 to 44", "45 to 54"}
    assert rows[world.subject.pk]["Child or adult"] == "Adult"
    for detail in ("Sarah", "Subject", "1988", "Oak Road", "CO3 3DD", "01206", "Repeat victim"):
        assert detail not in text


def test_the_partner_sees_only_what_its_shares_allow(world, partnership):
    limited = case(partnership.owner, "ASB-2020-0003", title="Kim Limited's case",
                   shared_with=partnership.partner, level=ShareLevel.LIMITED)
    kim = person(partnership.owner, "Kim", "Limited", born=datetime.date(2001, 1, 1))
    Party.objects.create(case=limited, person=kim, role="victim")
    manager = partnership.user("partner", "case_manager")
    cases = {row[0]: row for row in case_table(manager, redact=False).rows}
    assert set(cases) == {"ASB-2019-0001", "ASB-2020-0003", "HATE-2019-0001"}
    assert cases["ASB-2020-0003"][5] == "Shared with your agency (limited)"
    assert cases["ASB-2020-0003"][-2:] == ["", ""]  # no title, no parties on a limited share
    assert "Oliver Ockwell (Alleged perpetrator)" in cases["ASB-2019-0001"][-1]
    people = {row[0] for row in people_table(manager, redact=False).rows}
    assert kim.pk not in people and world.stranger.pk not in people
    assert world.subject.pk in people


def test_the_outsider_exports_nothing_of_the_partnerships_cases(world, client_of):
    client = client_of("outsider-case_manager")
    assert rows_of(client.get("/exports/cases.csv")) == []
    assert rows_of(client.get("/exports/people.csv")) == []


def test_a_locked_down_profile_shows_only_that_it_exists_and_its_name(world, partnership):
    world.subject.locked_down = True
    world.subject.save()
    manager = partnership.user("partner", "case_manager")
    table = people_table(manager, redact=False)
    row = dict(zip(table.columns, next(r for r in table.rows if r[0] == world.subject.pk),
                   strict=True))
    assert row["Locked down"] == "Yes" and row["First name"] == "Sarah"
    assert row["Age band"] == "" and row["Date of birth"] is None and row["Phone"] == ""
    assert row["Current address"] == ""


def test_unredacted_exports_need_cases_manage_and_a_reason_and_are_audited(world, client_of):
    assert client_of("owner-practitioner").post(
        "/exports/people.csv", {"people-reason": REASON}).status_code == 403
    manager = client_of("owner-case_manager")
    assert manager.post("/exports/people.csv", {"people-reason": ""}).status_code == 400
    response = manager.post("/exports/people.csv", {"people-reason": REASON})
    assert response.status_code == 200
    assert "people-unredacted-" in response["Content-Disposition"]
    row = next(r for r in rows_of(response) if r["Record number"] == str(world.subject.pk))
    assert (row["First name"], row["Date of birth"], row["Postcode"]) == ("Sarah", "1988-02-14",
                                                                           "CO3 3DD")
    event = AuditEvent.objects.get(action="export", object_type="person-list")
    assert REASON in event.reason and "unredacted" in event.reason


def test_a_confidential_address_is_never_exported_even_unredacted(world, client_of):
    world.subject.confidential_address = True
    world.subject.save()
    for path in ("/exports/people.csv", "/exports/people.xlsx"):
        response = client_of("owner-case_manager").post(path, {"people-reason": REASON})
        assert response.status_code == 200
        body = response.content
        if path.endswith(".xlsx"):
            body = b"".join(zipfile.ZipFile(io.BytesIO(body)).read(n)
                            for n in zipfile.ZipFile(io.BytesIO(body)).namelist())
        assert b"Oak Road" not in body and b"CO3 3DD" not in body


@pytest.mark.parametrize("path, data", [
    ("/exports/cases.xlsx", {"cases-reason": REASON}),
    ("/exports/people.xlsx", {"people-reason": REASON}),
])
def test_the_spreadsheet_has_one_visible_sheet_nothing_hidden_and_no_formulas(world, client_of,
                                                                             path, data):
    world.case.title = "=HYPERLINK(\"http://example.org\",\"click\")"
    world.case.save()
    world.other.given_name = "+SUM(1,2)"
    world.other.phone = "-1+1"
    world.other.save()
    response = client_of("owner-case_manager").post(path, data)
    assert response.status_code == 200
    raw = zipfile.ZipFile(io.BytesIO(response.content))
    sheets = [n for n in raw.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 1 and b"<f>" not in raw.read(sheets[0])
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 1
    sheet = book.worksheets[0]
    assert sheet.sheet_state == "visible"
    assert not any(dim.hidden for dim in sheet.column_dimensions.values())
    assert not any(dim.hidden for dim in sheet.row_dimensions.values())
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    if "cases" in path:
        assert "=HYPERLINK(\"http://example.org\",\"click\")" in values
    else:
        assert "+SUM(1,2)" in values and "-1+1" in values


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(world, client_of):
    world.other.given_name = "=1+2"
    world.other.save()
    response = client_of("owner-case_manager").post("/exports/people.csv",
                                                    {"people-reason": REASON})
    row = next(r for r in rows_of(response) if r["Record number"] == str(world.other.pk))
    assert row["First name"] == "'=1+2"


def test_the_case_list_filters_by_type_and_status(world, client_of):
    client = client_of("partner-case_manager")
    rows = rows_of(client.get("/exports/cases.csv?case_type=hate"))
    assert [r["Reference"] for r in rows] == ["HATE-2019-0001"]
    rows = rows_of(client.get("/exports/cases.csv?status=closed"))
    assert [r["Reference"] for r in rows] == ["ASB-2019-0001"]
    assert client.get("/exports/cases.csv?status=nonsense").status_code == 400


def test_the_exports_page_offers_unredacted_lists_to_case_managers_only(world, client_of):
    assert "Unredacted lists" in client_of("owner-case_manager").get("/exports/").content.decode()
    assert "Unredacted lists" not in client_of("owner-practitioner").get("/exports/").content.decode()


def test_the_unredacted_case_list_marks_locked_down_parties(world, partnership):
    world.other.locked_down = True
    world.other.save()
    for user in (partnership.user("owner", "case_manager"), partnership.user("partner", "case_manager")):
        table = case_table(user, redact=False)
        row = dict(zip(table.columns, next(r for r in table.rows if r[0] == "ASB-2019-0001"),
                       strict=True))
        assert row["Locked-down parties"] == 1
        assert "Oliver Ockwell (Alleged perpetrator; locked-down profile)" in row["Parties by name"]
        assert "Sarah Subject (Victim)" in row["Parties by name"]


def test_the_unredacted_case_csv_has_the_locked_down_column(world, client_of):
    world.other.locked_down = True
    world.other.save()
    response = client_of("owner-case_manager").post("/exports/cases.csv", {"cases-reason": REASON})
    row = next(r for r in rows_of(response) if r["Reference"] == "ASB-2019-0001")
    assert row["Locked-down parties"] == "1"
    assert "locked-down profile" in row["Parties by name"]
