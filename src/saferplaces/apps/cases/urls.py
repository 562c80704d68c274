"""The Cases pages, under ``/cases/`` (numeric ids only: nothing personal in an address)."""

from django.urls import path

from saferplaces.apps.cases import attachment_views, views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.create, name="create"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<id:pk>/", views.referral, name="referral"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<id:pk>/", views.transfer_offer, name="transfer-offer"),
    path("<id:pk>/", views.case_page, name="case"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/status/", views.status, name="status"),
    path("<id:pk>/parties/add/", views.add_party, name="add-party"),
    path("<id:pk>/incidents/", views.link_incidents, name="incidents"),
    path("<id:pk>/notes/add/", views.add_note, name="add-note"),
    path("<id:pk>/attachments/add/", attachment_views.add_attachment, name="add-attachment"),
    path("<id:pk>/attachments/<id:attachment_pk>/", attachment_views.download_attachment,
         name="attachment"),
    path("<id:pk>/attachments/<id:attachment_pk>/delete/", attachment_views.delete_attachment,
         name="delete-attachment"),
    path("<id:pk>/share/", views.share, name="share"),
    path("<id:pk>/shares/<id:share_pk>/end/", views.end_share, name="end-share"),
    path("<id:pk>/refer/", views.refer, name="refer"),
    path("<id:pk>/transfer/", views.transfer, name="transfer"),
]
