"""FastAPI dependencies, as ``Annotated`` aliases the routes declare."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from index.api import Retriever
from index.manager import IndexManager, IndexNotReadyError
from service.api.security import admin_bearer, check_admin, check_client, client_api_key
from service.api.state import ServiceState
from service.settings import Settings


def get_state(request: Request) -> ServiceState:
    """The state of the app serving ``request``."""
    state: ServiceState = request.app.state.tracuu
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    """The app's settings."""
    return state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_manager(state: StateDep) -> IndexManager:
    """The index manager, once an index is loaded.

    Raises:
        IndexNotReadyError: still building or loading (503).
    """
    manager = state.manager
    if manager is None or not manager.ready:
        if state.phase == "failed":
            raise IndexNotReadyError(f"loading failed: {state.startup_error}")
        raise IndexNotReadyError(f"{state.phase} the index")
    return manager


ManagerDep = Annotated[IndexManager, Depends(get_manager)]


def get_engine(manager: ManagerDep) -> Retriever:
    """The live engine, captured once: a request sees one index version even across a swap."""
    return manager.engine


EngineDep = Annotated[Retriever, Depends(get_engine)]


def require_admin(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(admin_bearer)],
) -> str:
    """Admin key id; 401 without credentials, 403 with a key that is not accepted."""
    ident = check_admin(credentials, state.settings)
    request.state.admin_key_id = ident
    return ident


AdminDep = Annotated[str, Depends(require_admin)]


def client_access(
    request: Request,
    state: StateDep,
    api_key: Annotated[str | None, Security(client_api_key)],
) -> str | None:
    """Client key id (None when anonymous) after the per-key rate limit."""
    ident = check_client(api_key, state.settings, state.limiter, state.metrics)
    request.state.client_key_id = ident
    return ident


ClientDep = Annotated[str | None, Depends(client_access)]
