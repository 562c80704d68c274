"""Two-factor sign-in pages (``accounts:...``). Signing in with a password, signing out and
changing one's password keep Django's own un-namespaced names (``login``, ``logout``,
``password_change``, ``password_change_done``): they are in ``signin_urls.py``."""

from django.urls import path

from saferplaces.apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/set-up/", views.set_up, name="set-up"),
    path("two-factor/verify/", views.verify, name="verify"),
    path("two-factor/recovery-codes/", views.recovery_codes_page, name="recovery-codes"),
]
