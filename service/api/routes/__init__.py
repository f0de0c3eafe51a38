"""HTTP routes, one module per concern; each exposes ``build_router(settings) -> APIRouter``."""
