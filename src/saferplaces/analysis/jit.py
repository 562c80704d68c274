"""A typed face for ``numba.njit``, so compiled kernels keep their Python signatures.

numba ships no type information, so under ``mypy --strict`` a function decorated with
``numba.njit`` becomes untyped. :func:`njit` passes its options straight to ``numba.njit``
(``cache=True`` and the rest behave exactly as there) and tells the type checker that the
decorated function keeps the signature written on it. numba itself ignores the annotations:
it compiles one specialisation per argument types seen at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

__all__ = ["njit"]

F = TypeVar("F", bound=Callable[..., Any])


def njit(**options: Any) -> Callable[[F], F]:
    """``numba.njit(**options)`` as a signature-preserving decorator (e.g. ``cache=True``,
    ``parallel=True``, ``nogil=True``, ``inline="always"``)."""
    return cast(Callable[[F], F], numba.njit(**options))
