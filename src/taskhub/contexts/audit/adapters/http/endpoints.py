"""Audit's endpoints."""

from collections.abc import Sequence

from sqlalchemy.engine import Engine

from taskhub.platform.http.endpoints import Endpoint


class AuditEndpoints:
    def __init__(self, *, engine: Engine) -> None:
        self._engine = engine

    def endpoints(self) -> Sequence[Endpoint]:
        return []
