"""Data protection: subject access (UK GDPR Article 15), retention and deletion (Article 5(1)(e)),
and redacted exports of case and people lists."""
