"""Binding a per-app request model to an endpoint parameter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def bind_body(endpoint: F, parameter: str, model: type[Any]) -> F:
    """Make FastAPI read ``parameter`` of ``endpoint`` as ``model``.

    Request models depend on settings (limits), so they are classes made at app creation. Annotations are
    strings here (``from __future__ import annotations``) that FastAPI resolves in module globals, where a
    class made inside a function is not found; the resolved class is therefore set on the endpoint before
    the route is registered. The declared annotation stays the base class, which the model subclasses.
    """
    endpoint.__annotations__[parameter] = model
    return endpoint
