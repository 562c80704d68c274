"""The API's URLs (mounted at ``/api/``), its OpenAPI description and the token page.

Every endpoint is a Django REST Framework view that declares its rule (``access``), enforced by
``saferplaces.apps.agencies.permissions.DeclaredAccess``; the token page is an ordinary page
(``@signed_in``). There is no Swagger or Redoc viewer: both need inline scripts or scripts from
other sites, which the site's Content Security Policy forbids. Read the description with any
OpenAPI tool.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from saferplaces.apps.agencies import openapi  # noqa: F401  (registers the service-token scheme)
from saferplaces.apps.agencies.api import Me
from saferplaces.apps.agencies.declare import signed_in_rule
from saferplaces.apps.agencies.permissions import DeclaredAccess
from saferplaces.apps.agencies.tokens import api_token
from saferplaces.apps.asb import api as asb_api
from saferplaces.apps.assessments.api import RunDetail, RunList
from saferplaces.apps.casereview import api as casereview_api
from saferplaces.apps.cases import api as cases_api
from saferplaces.apps.cases import attachment_api
from saferplaces.apps.hate import api as hate_api
from saferplaces.apps.incidents.api import IncidentPush, IncidentSummary
from saferplaces.apps.intelligence import api as intelligence_api
from saferplaces.apps.operations import api as operations_api
from saferplaces.apps.people.api import PersonDetail, PersonList
from saferplaces.apps.places.api import PlaceDetail, PlaceList
from saferplaces.apps.pspo import api as pspo_api
from saferplaces.apps.repeats import api as repeats_api
from saferplaces.apps.safeguarding import api as safeguarding_api
from saferplaces.apps.slavery import api as slavery_api
from saferplaces.apps.workbench import api as workbench_api
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

__all__ = ["Schema", "urlpatterns"]

app_name = "api"


class Schema(SpectacularAPIView):
    """``/api/schema/``: the OpenAPI 3 description of every endpoint (YAML; ``?format=json``
    for JSON), for any signed-in user."""

    access = signed_in_rule()
    permission_classes = [DeclaredAccess]


urlpatterns = [
    path("schema/", Schema.as_view(), name="schema"),
    path("token/", api_token, name="token"),
    path("me/", Me.as_view(), name="me"),
    path("assessments/runs/", RunList.as_view(), name="runs"),
    path("assessments/runs/<id:pk>/", RunDetail.as_view(), name="run"),
    path("incidents/summary/", IncidentSummary.as_view(), name="incident-summary"),
    path("incidents/push/", IncidentPush.as_view(), name="incident-push"),
    path("people/", PersonList.as_view(), name="people"),
    path("people/<id:pk>/", PersonDetail.as_view(), name="person"),
    path("cases/", cases_api.CaseList.as_view(), name="cases"),
    path("cases/<id:pk>/", cases_api.CaseDetail.as_view(), name="case"),
    path("cases/<id:pk>/parties/", cases_api.CaseParties.as_view(), name="case-parties"),
    path("cases/<id:pk>/notes/", cases_api.CaseNotes.as_view(), name="case-notes"),
    path("cases/<id:pk>/referrals/", cases_api.CaseReferrals.as_view(), name="case-referrals"),
    path("cases/<id:pk>/attachments/", attachment_api.CaseAttachments.as_view(),
         name="case-attachments"),
    path("cases/<id:pk>/attachments/<id:attachment_pk>/", attachment_api.CaseAttachmentFile.as_view(),
         name="case-attachment"),
    path("cases/<id:pk>/complaints/", casereview_api.CaseComplaints.as_view(),
         name="case-complaints"),
    path("cases/<id:pk>/case-reviews/", casereview_api.CaseReviews.as_view(),
         name="case-case-reviews"),
    path("cases/<id:pk>/mash-referrals/", safeguarding_api.CaseMashReferrals.as_view(),
         name="case-mash-referrals"),
    path("cases/<id:pk>/marac-referrals/", safeguarding_api.CaseMaracReferrals.as_view(),
         name="case-marac-referrals"),
    path("cases/referrals/", cases_api.ReferralList.as_view(), name="referrals"),
    path("cases/referrals/<id:pk>/decision/", cases_api.ReferralDecision.as_view(),
         name="referral-decision"),
    path("cases/<id:pk>/risk-assessments/", asb_api.CaseRiskAssessments.as_view(),
         name="case-risk-assessments"),
    path("cases/<id:pk>/asb-actions/", asb_api.CaseAsbActions.as_view(), name="case-asb-actions"),
    path("cases/<id:pk>/hate/", hate_api.CaseHate.as_view(), name="case-hate"),
    path("hate/figures/", hate_api.HateFiguresView.as_view(), name="hate-figures"),
    path("cases/<id:pk>/nrm/", slavery_api.CaseNrm.as_view(), name="case-nrm"),
    path("slavery/referrals/<id:pk>/", slavery_api.NrmReferralDetail.as_view(),
         name="nrm-referral"),
    path("slavery/duty-to-notify/", slavery_api.DutyToNotifyList.as_view(),
         name="duty-to-notify"),
    path("repeats/proposals/", repeats_api.ProposalList.as_view(), name="repeat-proposals"),
    path("repeats/proposals/<id:pk>/", repeats_api.ProposalDetail.as_view(),
         name="repeat-proposal"),
    path("repeats/proposals/<id:pk>/accept/", repeats_api.ProposalAccept.as_view(),
         name="repeat-proposal-accept"),
    path("repeats/proposals/<id:pk>/dismiss/", repeats_api.ProposalDismiss.as_view(),
         name="repeat-proposal-dismiss"),
    path("places/", PlaceList.as_view(), name="places"),
    path("places/<id:pk>/", PlaceDetail.as_view(), name="place"),
    path("operations/", operations_api.OperationList.as_view(), name="operations"),
    path("operations/<id:pk>/", operations_api.OperationDetail.as_view(), name="operation"),
    path("operations/<id:pk>/activity/", operations_api.OperationActivity.as_view(),
         name="operation-activity"),
    path("operations/<id:pk>/impact/", operations_api.OperationImpactView.as_view(),
         name="operation-impact"),
    path("pspo/orders/", pspo_api.OrderList.as_view(), name="pspo-orders"),
    path("pspo/orders/<id:pk>/", pspo_api.OrderDetail.as_view(), name="pspo-order"),
    path("pspo/orders/<id:pk>/breaches/", pspo_api.BreachList.as_view(), name="pspo-breaches"),
    path("tasks/", workbench_api.TaskList.as_view(), name="tasks"),
    path("tasks/<id:pk>/", workbench_api.TaskDetail.as_view(), name="task"),
    path("tasks/<id:pk>/complete/", workbench_api.TaskComplete.as_view(), name="task-complete"),
    path("intelligence/entities/", intelligence_api.EntityList.as_view(),
         name="intelligence-entities"),
    path("intelligence/entities/<id:pk>/", intelligence_api.EntityDetail.as_view(),
         name="intelligence-entity"),
    path("intelligence/links/", intelligence_api.LinkList.as_view(), name="intelligence-links"),
    path("intelligence/links/<id:pk>/", intelligence_api.LinkDetail.as_view(),
         name="intelligence-link"),
]
