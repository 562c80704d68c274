"""What a Public Spaces Protection Order may prohibit or require (2014 Act s.59(4)-(5)): the
common terms, chosen from a list, plus free text for anything else. The list is the wording
councils commonly use (Home Office statutory guidance on the 2014 Act's powers gives these as
examples); an order's own wording is what is enforced, so every term can be reworded."""

from __future__ import annotations

#: key → (wording, "prohibition" or "requirement")
TERMS: dict[str, tuple[str, str]] = {
    "alcohol-when-asked": ("Consuming alcohol in a public place after being asked to stop by an "
                           "authorised officer (s.62-63)", "prohibition"),
    "alcohol-surrender": ("Surrendering alcohol or its container when asked by an authorised "
                          "officer (s.63)", "requirement"),
    "aggressive-begging": ("Begging in an aggressive or intimidating manner", "prohibition"),
    "drug-paraphernalia": ("Possessing or using drug paraphernalia (including psychoactive "
                           "substances)", "prohibition"),
    "dog-fouling": ("Failing to remove dog faeces", "requirement"),
    "dog-leads": ("Keeping dogs on a lead when directed by an authorised officer", "requirement"),
    "dog-exclusion": ("Taking dogs into areas from which they are excluded", "prohibition"),
    "urinating": ("Urinating or defecating in a public place", "prohibition"),
    "car-cruising": ("Using a motor vehicle in a manner causing nuisance (car cruising)",
                     "prohibition"),
    "gating": ("Using the gated highway (an order restricting public access, s.64)",
               "prohibition"),
}
OTHER = "other"


def choices() -> list[tuple[str, str]]:
    return [(key, wording) for key, (wording, _) in TERMS.items()] + [(OTHER, "Other (free text)")]


def term_for(text: str) -> str:
    """The vocabulary key whose wording starts the same way as ``text`` (else "other")."""
    lowered = text.strip().lower()
    for key, (wording, _) in TERMS.items():
        if wording.lower().startswith(lowered[:40]) or lowered.startswith(wording.lower()[:40]):
            return key
    return OTHER
