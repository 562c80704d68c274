"""Static files (the site's CSS, scripts, fonts and vendored assets), served by WhiteNoise.

They are served straight from the installed package (``WHITENOISE_USE_FINDERS``), so a
deployment need not run ``collectstatic``. WhiteNoise also serves the collected folder
(``STATIC_ROOT``, ``SAFERPLACES_STATIC_ROOT``) and warns on every start when it does not exist,
which it normally does not: here the folder is served only when it is there.
"""

from __future__ import annotations

import os

from whitenoise.middleware import WhiteNoiseMiddleware

__all__ = ["StaticFiles"]


class StaticFiles(WhiteNoiseMiddleware):  # type: ignore[misc]
    """WhiteNoise, serving ``STATIC_ROOT`` only where ``collectstatic`` made it (while debug pages
    are on, WhiteNoise looks for files at each request and the folder may appear later)."""

    def add_files(self, root: str, prefix: str | None = None) -> None:
        if root == getattr(self, "static_root", None) and not os.path.isdir(root) and not self.autorefresh:
            return
        super().add_files(root, prefix)
