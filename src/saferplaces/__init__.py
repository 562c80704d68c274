"""saferplaces: analytics, CLI and web application for Community Safety Partnerships."""

__version__ = "0.1.0"
