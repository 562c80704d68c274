"""Every view declares who may use it; :class:`~.middleware.DeclaredAccessMiddleware` refuses
a view that does not, and enforces the rule of one that does.

Function views use the decorators::

    @public                      anyone, signed in or not (the sign-in page)
    @enrolment                   signed in with a password, two-factor not yet verified
                                 (two-factor set-up and verification, signing out)
    @signed_in                   any signed-in user who has passed two-factor sign-in
    @requires("assessments.run") a signed-in user holding that capability
    @requires("incidents.view", public_site=True)
                                 ... or anyone, when SAFERPLACES_PUBLIC_SITE is on (the view
                                 then shows only public-safe output: ``request.public_view``)

Class-based views (Django's and Django REST Framework's) set ``access = requires_rule(...)``
(or ``public_rule()`` ...) as a class attribute. Object-level rules are not declared here: each
resource has one access helper, ``get_<thing>_for_user(user, pk, capability)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

__all__ = ["AccessRule", "enrolment", "enrolment_rule", "is_public_view", "public", "public_rule", "requires",
           "requires_rule", "rule_for", "signed_in", "signed_in_rule"]

Kind = Literal["public", "enrolment", "signed_in", "capability"]
View = TypeVar("View", bound=Callable[..., Any])

ATTRIBUTE = "access_rule"


@dataclass(frozen=True)
class AccessRule:
    """Who may use a view: ``kind`` and, for ``"capability"``, the capability needed."""

    kind: Kind
    capability: str | None = None
    public_site: bool = False

    def describe(self) -> str:
        if self.kind == "capability":
            extra = " (or anyone on a public site)" if self.public_site else ""
            return f"needs {self.capability}{extra}"
        return self.kind.replace("_", " ")


def public_rule() -> AccessRule:
    return AccessRule("public")


def enrolment_rule() -> AccessRule:
    return AccessRule("enrolment")


def signed_in_rule() -> AccessRule:
    return AccessRule("signed_in")


def requires_rule(capability: str, *, public_site: bool = False) -> AccessRule:
    from saferplaces.apps.agencies.roles import ALL_CAPABILITIES

    if capability not in ALL_CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")
    return AccessRule("capability", capability, public_site)


def _declare(rule: AccessRule) -> Callable[[View], View]:
    def mark(view: View) -> View:
        setattr(view, ATTRIBUTE, rule)
        return view
    return mark


def public(view: View) -> View:
    return _declare(public_rule())(view)


def enrolment(view: View) -> View:
    return _declare(enrolment_rule())(view)


def signed_in(view: View) -> View:
    return _declare(signed_in_rule())(view)


def requires(capability: str, *, public_site: bool = False) -> Callable[[View], View]:
    return _declare(requires_rule(capability, public_site=public_site))


def rule_for(view_func: Callable[..., Any]) -> AccessRule | None:
    """The rule a resolved view declared: on the function, or as the ``access`` attribute of
    its class (Django's ``view_class``, Django REST Framework's ``cls``); None if it has none."""
    rule = getattr(view_func, ATTRIBUTE, None)
    if isinstance(rule, AccessRule):
        return rule
    for name in ("view_class", "cls"):
        rule = getattr(getattr(view_func, name, None), "access", None)
        if isinstance(rule, AccessRule):
            return rule
    return None


def is_api_view(view_func: Callable[..., Any]) -> bool:
    """A Django REST Framework view: it authenticates (tokens) and enforces the rule itself."""
    cls = getattr(view_func, "cls", None)
    return cls is not None and any(base.__module__.startswith("rest_framework")
                                   for base in cls.__mro__)


def is_public_view(request: Any) -> bool:
    """A signed-out visitor on a public site: the view may show only public-safe output (set by
    :class:`~saferplaces.apps.agencies.middleware.DeclaredAccessMiddleware`)."""
    return bool(getattr(request, "public_view", False))
