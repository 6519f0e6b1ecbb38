"""Integrations's providers. The context has no use cases yet; the container exists so the
composition root and the layer contracts already cover it."""

from dependency_injector import containers


class IntegrationsContainer(containers.DeclarativeContainer):
    pass
