"""The root is a list of contexts: every context folder is in it, and every facet of
every listed context reaches what serves it.

Adding a context touches the list in `bootstrap.py` and the migration history; these
tests are what fails when it was added to neither, or when a facet it exposes is not
wired: endpoints not mounted, subscriptions not consumed, tables not migrated, event
types not subscribable, background jobs not run.
"""

import re
import uuid
from pathlib import Path

import falcon
import pytest
from dependency_injector import containers, providers

from taskhub.bootstrap import (
    ApplicationContainer,
    all_metadata,
    build_container,
    compose_context,
    contexts,
)
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.context_facets import FACETS
from taskhub.platform.settings import Settings
from tests.integration.conftest import TEST_SECRET

CONTEXTS_FOLDER = Path(__file__).resolve().parents[3] / "src" / "taskhub" / "contexts"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> ApplicationContainer:
    database = tmp_path_factory.mktemp("context-list") / "root.db"
    return build_container(Settings(database_url=f"sqlite:///{database}", secret_key=TEST_SECRET))


def context_folders() -> set[str]:
    return {
        path.name
        for path in CONTEXTS_FOLDER.iterdir()
        if path.is_dir() and not path.name.startswith(("_", "."))
    }


def test_every_context_folder_is_in_the_list() -> None:
    assert context_folders() == set(contexts(ApplicationContainer))


def test_every_listed_context_exposes_every_facet() -> None:
    for name, context in contexts(ApplicationContainer).items():
        missing = [
            facet
            for facet in FACETS
            if not isinstance(getattr(context, facet, None), providers.Provider)
        ]
        assert missing == [], name


def test_a_context_without_a_facet_or_a_met_dependency_cannot_be_composed() -> None:
    class Incomplete(containers.DeclarativeContainer):
        engine = providers.Dependency()
        endpoints = providers.List()

    with pytest.raises(TypeError, match="subscriptions"):
        compose_context(Incomplete, {"engine": providers.Object(None)})

    class Complete(containers.DeclarativeContainer):
        engine = providers.Dependency()
        endpoints = providers.List()
        subscriptions = providers.List()
        tables = providers.Object(None)
        published_event_types = providers.Object(())
        background_jobs = providers.List()

    with pytest.raises(TypeError, match="engine"):
        compose_context(Complete, {})
    assert compose_context(Complete, {"engine": providers.Object(1)}).engine() == 1


def routed(app: falcon.App[falcon.Request, falcon.Response], method: str, path: str) -> bool:
    """Whether the app's router sends `method path` (ids filled in) anywhere."""
    uri = re.sub(r"\{[^}]*\}", str(uuid.uuid4()), path)
    found = app._router.find(uri)
    return found is not None and method in found[1]


def test_every_context_endpoint_is_mounted(root: ApplicationContainer) -> None:
    app = create_app(root)
    for name, context in contexts(root).items():
        endpoints = context.endpoints()
        assert endpoints, name  # every context serves something today
        unmounted = [f"{e.method} {e.path}" for e in endpoints if not routed(app, e.method, e.path)]
        assert unmounted == [], name


def test_every_context_subscription_is_consumed(root: ApplicationContainer) -> None:
    consumed = {subscription.name for subscription in root.subscriptions()}
    for context in contexts(root).values():
        assert {s.name for s in context.subscriptions()} <= consumed


def test_every_context_background_job_is_run(root: ApplicationContainer) -> None:
    run = {type(job) for job in root.background_jobs()}
    for context in contexts(root).values():
        assert {type(job) for job in context.background_jobs()} <= run


def test_every_context_table_is_migrated() -> None:
    migrated = [id(metadata) for metadata in all_metadata()]
    for name, context in contexts(ApplicationContainer).items():
        assert id(context.tables()) in migrated, name


def test_every_published_event_type_can_be_subscribed_to(root: ApplicationContainer) -> None:
    known = root.integrations.known_event_types()
    published = {
        t.name for context in contexts(root).values() for t in context.published_event_types()
    }
    assert published <= known
    assert {"member.added", "task.created", "webhook.ping"} <= published
