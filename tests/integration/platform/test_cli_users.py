"""`taskhub users deactivate|activate` tell the operator when the serving processes could
not be told of the change, instead of reporting a success they cannot vouch for."""

from pathlib import Path

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.contexts.identity.application.accounts import Register
from taskhub.entrypoints.wsgi import create_app
from tests.integration.conftest import REDIS_URL, TEST_SECRET, container_for
from tests.integration.platform.test_cli import run
from tests.integration.world import API

DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
EMAIL = "ada@example.com"


def registered(engine: Engine) -> str:
    """Register the account; its access token."""
    accounts = container_for(engine).identity.accounts()
    signed_in = accounts.register(Register(email=EMAIL, password="correct-horse-1", name="Ada"))
    return signed_in.access_token


def users(engine: Engine, action: str, tmp_path: Path, redis_url: str) -> "object":
    return run(
        ["users", action, EMAIL],
        tmp_path,
        TASKHUB_DATABASE_URL=engine.url.render_as_string(hide_password=False),
        TASKHUB_SECRET_KEY=TEST_SECRET,
        TASKHUB_REDIS_URL=redis_url,
    )


def token_works(engine: Engine, token: str) -> bool:
    client = testing.TestClient(create_app(container_for(engine)))
    me = client.simulate_get(f"{API}/users/me", headers={"Authorization": f"Bearer {token}"})
    return me.status_code == 200


def test_deactivate_with_redis_unreachable_says_when_it_takes_effect_and_exits_3(
    engine: Engine, tmp_path: Path
) -> None:
    token = registered(engine)

    result = users(engine, "deactivate", tmp_path, DEAD_REDIS_URL)

    assert result.returncode == 3, result.stderr
    assert f"{EMAIL}: deactivated" in result.stdout
    assert "is deactivated in the database" in result.stderr
    assert "could not be told" in result.stderr
    assert "within about 10 seconds" in result.stderr
    assert "Traceback" not in result.stderr
    assert not token_works(engine, token)  # the database holds the change


def test_activate_with_redis_unreachable_exits_3_too(engine: Engine, tmp_path: Path) -> None:
    registered(engine)
    container_for(engine).identity.accounts().set_active(EMAIL, False)

    result = users(engine, "activate", tmp_path, DEAD_REDIS_URL)

    assert result.returncode == 3, result.stderr
    assert f"{EMAIL}: active" in result.stdout
    assert "is active in the database" in result.stderr


@pytest.mark.redis
def test_deactivate_with_redis_up_is_a_plain_success(
    engine: Engine, tmp_path: Path, redis_client: object
) -> None:
    token = registered(engine)

    result = users(engine, "deactivate", tmp_path, REDIS_URL)

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{EMAIL}: deactivated\n"
    assert "could not be told" not in result.stderr
    assert not token_works(engine, token)


def test_the_exit_statuses_are_documented(tmp_path: Path) -> None:
    for action in ("deactivate", "activate"):
        help_text = run(["users", action, "--help"], tmp_path).stdout
        assert "3 the change is saved but the serving processes could not be told" in " ".join(
            help_text.split()
        )
