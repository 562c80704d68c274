"""Signing in with a password, signing out and changing one's password, under Django's own
URL names (Django's views and every template use them un-namespaced). Password reset by email is
left out: the service sends no email; an administrator sets a new password instead."""

from django.urls import path

from saferplaces.apps.accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
]
