"""The exemption review of a subject access copy: draft first, then the reviewed release.

A subject access copy is first produced as a **draft** for the data protection officer (or the
case manager answering the request) to read. Every note and every file in it is an *item*
with a key (``note-12``, ``attachment-3``: record numbers only), and so is every case-work
record holding free text that staff wrote (``asb-breach-4``, ``asb-risk-assessment-2``,
``mash-referral-7``, ...: a judgement reason or a breach description is as much a note as a
note is, and may need withholding the same way; its text for the fingerprint is its free-text
fields together). A case-work record with no free text (a complaint's dates, an NRM decision)
is the person's own data as recorded and is not an item. For each item the reviewer
decides **disclose** or **withhold**, and a withheld item names the exemption claimed (from the
exemptions file, :mod:`.exemptions`: UK GDPR Article 23 restrictions made by the Data
Protection Act 2018, Schedules 2 and 3, and section 45(4) for law enforcement processing).

The **release** is made only from a review that decides every item of the copy as it is now:
an item added or changed since the draft (a new note, an edited one: each item carries a
fingerprint of its text) has to be reviewed first. The released copy leaves the withheld items
out and lists the exemptions claimed with the number of items each withheld, never their
content, so the person knows something was withheld and why (ICO guidance: tell the person
unless telling them would itself prejudice the purpose of the exemption, in which case the
reviewer withholds under ``law-enforcement`` or ``crime`` and says nothing more). The audit log
keeps which item was withheld under which exemption (item keys and exemption keys only).

On the page the decisions are made in one form; on the command line they are a review sheet
(CSV) written next to the draft, filled in and given back with ``--release``.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from saferplaces.apps.dataprotection.exemptions import exemption

__all__ = ["SHEET_COLUMNS", "Decision", "Item", "ReviewError", "audit_summary", "check", "items",
           "read_review_sheet", "release", "review_sheet"]

#: The review sheet's columns; the reviewer fills in the last two.
SHEET_COLUMNS = ["item", "case", "kind", "written", "agency", "fingerprint", "decision",
                 "exemption"]


class ReviewError(ValueError):
    """The review does not decide every item of the copy properly (the message says which)."""


@dataclass(frozen=True)
class Item:
    """A note or a file of the copy, as a reviewer sees it."""

    key: str
    kind: str
    case: str
    when: str
    agency: str
    text: str

    @property
    def fingerprint(self) -> str:
        """The first 12 hex digits of the SHA-256 of the item's text as the copy shows it."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Decision:
    withhold: bool
    exemption: str = ""


def items(data: Mapping[str, Any]) -> list[Item]:
    """The copy's notes and files, case by case, then its case-work records holding free text,
    in the copy's order."""
    found: list[Item] = []
    for case in data["cases"]:
        found += [Item(n["item"], "note", case["reference"], n["written_at"] or "", n["agency"],
                       n["text"]) for n in case["notes"]]
        found += [Item(a["item"], "file", case["reference"], a["added_at"] or "", a["agency"],
                       a["name"]) for a in case["attachments"]]
    for section in data.get("casework", []):
        for record in section["records"]:
            text = _free_text(record)
            if text:
                found.append(Item(record["item"], record["kind"], record["case"],
                                  record["date"] or "", record["agency"], text))
    return found


def _free_text(record: Mapping[str, Any]) -> str:
    """A case-work record's free-text fields as one text (empty: none written)."""
    return "\n".join(f"{name.replace('_', ' ')}: {text}"
                     for name, text in record["free_text"].items() if text)


def check(data: Mapping[str, Any], decisions: Mapping[str, Decision]) -> None:
    """Refuse a review that leaves an item undecided, withholds without a known exemption, or
    decides an item that is not in this copy."""
    keys = [item.key for item in items(data)]
    strangers = sorted(set(decisions) - set(keys))
    if strangers:
        raise ReviewError(f"{', '.join(strangers)}: not in this copy (the record changed since "
                          "the review began: make a new draft)")
    for key in keys:
        decision = decisions.get(key)
        if decision is None:
            raise ReviewError(f"{key} has no decision: disclose or withhold every note, file "
                              "and case-work record listed")
        if decision.withhold and not decision.exemption:
            raise ReviewError(f"{key} is withheld: name the exemption claimed")
        if decision.withhold and exemption(decision.exemption) is None:
            raise ReviewError(f"{key}: {decision.exemption!r} is not an exemption in the "
                              "exemptions file")


def release(data: Mapping[str, Any], decisions: Mapping[str, Decision]) -> dict[str, Any]:
    """The released copy: withheld items left out, the exemptions claimed listed."""
    check(data, decisions)
    withheld = {key for key, decision in decisions.items() if decision.withhold}
    out = copy.deepcopy(dict(data))
    for case in out["cases"]:
        case["notes"] = [n for n in case["notes"] if n["item"] not in withheld]
        case["attachments"] = [a for a in case["attachments"] if a["item"] not in withheld]
    for section in out.get("casework", []):
        section["records"] = [r for r in section["records"] if r["item"] not in withheld]
    counts = Counter(decisions[key].exemption for key in withheld)
    claimed = []
    for key, number in counts.items():
        found = exemption(key)
        assert found is not None  # checked above
        claimed.append({"exemption": found.label, "source": found.source,
                        "items_withheld": number})
    out["stage"] = "released"
    out["exemptions_claimed"] = sorted(claimed, key=lambda c: c["source"])
    return out


def audit_summary(decisions: Mapping[str, Decision]) -> str:
    """``withheld 2 items: note-12: crime, attachment-3: crime`` (keys only, never content)."""
    withheld = sorted((key, d.exemption) for key, d in decisions.items() if d.withhold)
    if not withheld:
        return "nothing withheld"
    listed = ", ".join(f"{key}: {why}" for key, why in withheld)
    return f"withheld {len(withheld)} item{'s' if len(withheld) != 1 else ''}: {listed}"


def review_sheet(data: Mapping[str, Any]) -> str:
    """The review sheet for the command line: one row per item, decision and exemption empty.
    It names items, it does not repeat their text (that is in the draft)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    for item in items(data):
        writer.writerow([item.key, item.case, item.kind, item.when, item.agency,
                         item.fingerprint, "", ""])
    return buffer.getvalue()


def read_review_sheet(text: str, data: Mapping[str, Any]) -> dict[str, Decision]:
    """The decisions of a filled-in review sheet, checked against the copy as it is now."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("item", "fingerprint", "decision", "exemption")
               if c not in (reader.fieldnames or [])]
    if missing:
        raise ReviewError(f"the review sheet has no {', '.join(missing)} column")
    now = {item.key: item for item in items(data)}
    decisions: dict[str, Decision] = {}
    for number, row in enumerate(reader, start=2):
        key = (row["item"] or "").strip()
        choice = (row["decision"] or "").strip().casefold()
        if key in now and (row["fingerprint"] or "").strip() != now[key].fingerprint:
            raise ReviewError(f"{key} changed since the draft: make a new draft and review it")
        if choice == "":
            continue  # reported as undecided by check()
        if choice not in ("disclose", "withhold"):
            raise ReviewError(f"row {number} ({key}): decision must be disclose or withhold, "
                              f"not {choice!r}")
        decisions[key] = Decision(choice == "withhold", (row["exemption"] or "").strip())
    check(data, decisions)
    return decisions
