"""Hidden harms awareness: the public page and the practitioner briefing (issue 14)."""
