"""The WSGI application.

`create_app(container)` is what tests and `taskhub serve` use; `application()` builds
the container from the environment for running under any WSGI server, e.g.
`gunicorn 'taskhub.entrypoints.wsgi:application()'`.
"""

import functools

import falcon

from taskhub.bootstrap import ApplicationContainer, build_container, contexts
from taskhub.entrypoints.worker import MessagingThreads
from taskhub.platform.database import check_database
from taskhub.platform.http.app import build_falcon_app
from taskhub.platform.http.endpoints import Endpoint
from taskhub.platform.http.operations import HealthCheck
from taskhub.platform.logging import configure_logging
from taskhub.platform.messaging.probes import check_broker
from taskhub.platform.redis_client import check_redis, fast_failing_redis
from taskhub.platform.settings import load_settings
from taskhub.platform.tracing import configure_tracing


def endpoints(container: ApplicationContainer) -> list[Endpoint]:
    """Every context's declared endpoints: what the router mounts and OpenAPI describes."""
    return [
        endpoint for context in contexts(container).values() for endpoint in context.endpoints()
    ]


def degradable_checks(container: ApplicationContainer) -> dict[str, HealthCheck]:
    """Configured services the app serves without, degraded (readiness stays 200).

    Without Redis each process limits on its own counters and remembers no answers:
    looser limits and two more statements a request, but every request is answered.
    Without the SMTP server emails wait in the mail outbox and go out when it is back.
    Without RabbitMQ events wait in the outbox (written with each change, in the
    database) and the relay publishes them when it is back; the check gives up after a
    second, so a broker that hangs cannot hold the probe past its timeout.
    """
    settings = container.settings()
    checks: dict[str, HealthCheck] = {}
    if settings.redis_url is not None:
        checks["redis"] = functools.partial(check_redis, fast_failing_redis(settings.redis_url))
    if settings.smtp_url is not None:
        checks["mail"] = container.mail_transport().check
    if not settings.broker_url.startswith("memory://"):
        checks["broker"] = functools.partial(check_broker, settings.broker_url)
    return checks


def create_app(container: ApplicationContainer) -> falcon.App[falcon.Request, falcon.Response]:
    return build_falcon_app(
        settings=container.settings(),
        engine=container.engine(),
        endpoints=endpoints(container),
        authenticator=container.authenticator(),
        org_access=container.org_access(),
        secret_key=container.secret_key(),
        rate_limiter=container.rate_limiter(),
        health_checks={
            "database": functools.partial(check_database, container.engine()),
            "storage": container.storage().check,
        },
        degradable_checks=degradable_checks(container),
        metrics=container.metrics(),
        key_resolvers={"task": container.task_keys()},
    )


def application() -> falcon.App[falcon.Request, falcon.Response]:
    """The app for a server process; with the in-process bus it also relays and consumes."""
    configure_logging()
    settings = load_settings()
    # Before the app and the engine exist: the instrumentations wrap what is built after.
    configure_tracing(settings.otel_exporter, service_name="taskhub-web")
    container = build_container(settings)
    app = create_app(container)
    if container.settings().broker_url.startswith("memory://"):
        MessagingThreads(container).start()
    return app
