"""The modern-slavery pages: an NRM referral from a case, a referral's decisions, and the
agency's Duty to Notify records. Cases and referrals come through ``get_case_for_user``
(outsiders 404, members without the capability 403; limited shares and break-glass cannot
change anything). Duty to Notify records are the agency's own: they are tied to no case."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.presenters import parties_of
from saferplaces.apps.slavery import forms, services
from saferplaces.apps.slavery.models import DutyToNotify
from saferplaces.apps.slavery.presenters import label, labels


def _errors(form: Any, exc: services.NrmRuleError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer a party of a modern-slavery case to the NRM (agencies working on the case)."""
    access = get_case_for_user(request.user, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    case = access.case
    if case.case_type != services.CASE_TYPE:
        raise PermissionDenied("NRM referrals are made on modern-slavery cases only.")
    parties = [(row.id, f"{row.name} ({row.role_label.lower()})")
               for row in parties_of(request.user, access)]
    form = forms.ReferForm(request.POST or None, parties=parties,
                           initial={"referred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.refer(access, request.user, party_id=data["party"],
                                  first_responder=data["first_responder"],
                                  referred_on=data["referred_on"],
                                  exploitation_types=data["exploitation_types"],
                                  consented=forms.consent_of(data["consent"]),
                                  believed_child=data["believed_child"], request=request)
        except services.NrmRuleError as exc:
            _errors(form, exc)
        else:
            if isinstance(made, DutyToNotify):
                return render(request, "slavery/notified.html", {"case": case, "notice": made})
            return redirect("cases:case", case.pk)
    return render(request, "slavery/refer.html", {"case": case, "form": form},
                  status=400 if form.errors else 200)


def _conflict_rows(exc: services.Conflict) -> list[dict[str, Any]]:
    return [{"field": name.replace("_", " ").replace("rg ", "reasonable grounds ")
             .replace("cg ", "conclusive grounds ").capitalize(),
             "mine": mine, "theirs": getattr(exc.current, name)}
            for name, mine in exc.attempted.items()]


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    """A referral's decisions and support outcome, checked in order by the engine."""
    item, access = services.get_referral_for_user(request.user, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    form = forms.DecisionsForm(request.POST or None, initial=forms.DecisionsForm.initial_for(item))
    context: dict[str, Any] = {"case": access.case, "item": item, "form": form,
                               "progress": services.progress(item, timezone.localdate()),
                               "first_responder": label("nrm_first_responders", item.first_responder),
                               "exploitation": labels("nrm_exploitation_types",
                                                      list(item.exploitation_types))}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(access, request.user, item, version=data["version"],
                            rg_decided_on=data["rg_decided_on"],
                            rg_positive=forms.as_positive(data["rg"]),
                            cg_decided_on=data["cg_decided_on"],
                            cg_positive=forms.as_positive(data["cg"]),
                            support_outcome=data["support_outcome"], request=request)
        except services.Conflict as exc:
            context |= {"conflict": exc, "conflict_rows": _conflict_rows(exc)}
            return render(request, "slavery/referral.html", context, status=409)
        except services.NrmRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", access.case.pk)
    else:
        record("view", request=request, object_type="case", object_id=access.case.pk,
               fields=["nrm_referral"])
    return render(request, "slavery/referral.html", context, status=400 if form.errors else 200)


@requires(CASES_VIEW)
@require_GET
def duty_to_notify(request: HttpRequest) -> HttpResponse:
    """The Duty to Notify records the user's agency made (anonymous by construction)."""
    notices = list(services.duty_to_notify_for_user(request.user)[:500])
    record("view", request=request, object_type="duty-to-notify")
    rows = [{"notice": n, "organisation": label("nrm_first_responders", n.organisation),
             "exploitation": labels("nrm_exploitation_types", list(n.exploitation_types))}
            for n in notices]
    return render(request, "slavery/duty_to_notify.html", {"rows": rows})
