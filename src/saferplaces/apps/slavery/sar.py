"""What the modern-slavery records hold about one person, for their subject access copy (UK GDPR
Article 15).

Only National Referral Mechanism referrals where the person is the **potential victim** (the
referral's party), with the reasonable- and conclusive-grounds decisions and the support outcome.
Duty to Notify records are never included: they hold nothing that identifies anyone and have no
link to a person (Modern Slavery Act 2015 s.52; :mod:`saferplaces.apps.slavery.models`), so they
are not anyone's personal data. Each record is a plain dict: ``item`` (record kind and number,
never a name), ``kind``, ``date``, ``case`` (reference), ``agency``, ``details`` and
``free_text`` (none here). Nothing here checks who asks: the caller decides that.
"""

from __future__ import annotations

import datetime
from typing import Any

from saferplaces.apps.people.models import Person
from saferplaces.apps.slavery.models import NrmReferral
from saferplaces.apps.slavery.presenters import label, labels

__all__ = ["records_about"]


def _when(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _decision(positive: bool | None) -> str:
    return {True: "Positive", False: "Negative", None: "Not yet made"}[positive]


def _referral(referral: NrmReferral) -> dict[str, Any]:
    return {
        "item": f"nrm-referral-{referral.pk}", "kind": "National Referral Mechanism referral",
        "date": _when(referral.referred_on), "case": referral.case.reference,
        "agency": referral.agency.name,
        "details": {"first_responder": label("nrm_first_responders", referral.first_responder),
                    "exploitation_types": labels("nrm_exploitation_types",
                                                 list(referral.exploitation_types)),
                    "child": referral.child, "consented": referral.consented,
                    "reasonable_grounds_decision": _decision(referral.rg_positive),
                    "reasonable_grounds_decided_on": _when(referral.rg_decided_on),
                    "conclusive_grounds_decision": _decision(referral.cg_positive),
                    "conclusive_grounds_decided_on": _when(referral.cg_decided_on),
                    "support_outcome": (label("nrm_support_outcomes", referral.support_outcome)
                                        if referral.support_outcome else "")},
        "free_text": {},
    }


def records_about(person: Person) -> list[dict[str, Any]]:
    """The NRM referrals naming ``person`` as the potential victim."""
    found = (NrmReferral.objects.filter(party__person=person).select_related("case", "agency")
             .order_by("referred_on", "pk"))
    return [_referral(r) for r in found]
