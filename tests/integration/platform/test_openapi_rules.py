"""The validation rules once kept in prose are in the document, and they are the server's.

NUL in request strings, email shape, password strength and the webhook URL's scheme are
declared as `pattern` (and `format`) from the constants the server validates with; here
the document is read for them and the server is asked to agree on a few values.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from falcon import testing

from taskhub.contexts.identity.domain.password_policy import PASSWORD_PATTERN
from taskhub.contexts.identity.public.email import EMAIL_PATTERN
from taskhub.contexts.integrations.domain.target import HTTPS_URL_PATTERN
from taskhub.platform.http.fields import NUL_FREE_PATTERN

_SELF_EXCLUDING = {"enum", "const", "format"}
"""A string with one of these needs no NUL pattern: no enum value, uuid, date or time
holds NUL (`email` and `uri` carry a pattern of their own anyway)."""


@pytest.fixture
def document(client: testing.TestClient) -> dict[str, Any]:
    return client.simulate_get("/openapi.json").json  # type: ignore[no-any-return]


def _strings(schema: Any, schemas: dict[str, Any], seen: set[str]) -> Iterator[dict[str, Any]]:
    """Every string schema reachable from `schema`, through references and combinators."""
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _strings(schemas[name], schemas, seen)
        return
    if schema.get("type") == "string":
        yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _strings(option, schemas, seen)
    for key in ("items", "additionalProperties"):
        yield from _strings(schema.get(key), schemas, seen)
    for value in schema.get("properties", {}).values():
        yield from _strings(value, schemas, seen)


def _request_strings(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            json_body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if json_body:
                for string in _strings(json_body["schema"], schemas, set()):
                    yield where, string
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    for string in _strings(parameter["schema"], schemas, set()):
                        yield f"{where} ?{parameter['name']}", string


def test_every_request_string_declares_that_nul_is_refused(document: dict[str, Any]) -> None:
    undeclared = []
    for where, string in _request_strings(document):
        if string.keys() & _SELF_EXCLUDING and "pattern" not in string:
            continue
        pattern = string.get("pattern")
        if pattern is None or re.search(pattern, "a\x00b"):
            undeclared.append((where, string))
    assert undeclared == []


def test_free_text_says_nul_with_the_one_shared_pattern(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["CreateProjectRequest"]["properties"]["name"]["pattern"] == NUL_FREE_PATTERN
    admin_users = document["paths"]["/api/v1/admin/users"]["get"]["parameters"]
    q = next(parameter for parameter in admin_users if parameter["name"] == "q")
    assert q["schema"]["pattern"] == NUL_FREE_PATTERN


def test_response_strings_claim_nothing_about_nul(document: dict[str, Any]) -> None:
    user = document["components"]["schemas"]["UserBody"]["properties"]
    assert "pattern" not in user["name"]
    assert "pattern" not in user["email"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("RegisterRequest", "email"),
        ("CreateUserRequest", "email"),
        ("CreateInvitationRequest", "email"),
    ],
)
def test_emails_carry_the_servers_pattern(
    document: dict[str, Any], component: str, field: str
) -> None:
    email = document["components"]["schemas"][component]["properties"][field]
    assert "format" not in email  # schemathesis reads `email` as RFC 5322, stricter than this
    assert email["pattern"] == f"^{EMAIL_PATTERN}$"


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("RegisterRequest", "password"),
        ("ChangePasswordRequest", "new_password"),
        ("PasswordResetConfirmRequest", "new_password"),
    ],
)
def test_new_passwords_carry_the_strength_pattern(
    document: dict[str, Any], component: str, field: str
) -> None:
    password = document["components"]["schemas"][component]["properties"][field]
    assert password["pattern"] == f"^{PASSWORD_PATTERN}$"
    assert (password["minLength"], password["maxLength"]) == (8, 128)


@pytest.mark.parametrize("component", ["CreateWebhookRequest", "UpdateWebhookRequest"])
def test_webhook_urls_declare_the_default_https_rule(
    document: dict[str, Any], component: str
) -> None:
    url = document["components"]["schemas"][component]["properties"]["url"]
    if "anyOf" in url:  # not the case today: a webhook's url cannot be cleared
        url = url["anyOf"][0]
    assert url["format"] == "uri"
    assert url["pattern"] == f"^{HTTPS_URL_PATTERN}$"
    assert re.search(url["pattern"], "https://hooks.example.com/x")
    assert not re.search(url["pattern"], "http://hooks.example.com/x")
    assert "TASKHUB_WEBHOOK_ALLOW_PRIVATE" in url["description"]


def _register(client: testing.TestClient, email: str, password: str) -> testing.Result:
    return client.simulate_post(
        "/api/v1/auth/register", json={"email": email, "password": password, "name": "Ada"}
    )


def test_the_server_takes_what_the_patterns_take(
    client: testing.TestClient, document: dict[str, Any]
) -> None:
    register = document["components"]["schemas"]["RegisterRequest"]["properties"]
    email = "jürgen@bücher.de"
    password = "\u043f\u0430\u0440\u043e\u043b\u044c-\u0434\u0432\u0430 7"  # Cyrillic
    assert re.search(register["email"]["pattern"], email)
    assert re.search(register["password"]["pattern"], password)
    assert _register(client, email, password).status_code == 201


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        (" ada@example.com", "correct horse 1", "email"),
        ("ada@exam\u00a0ple.com", "correct horse 1", "email"),
        ("ada@example.com", "correct horse one", "password"),
        ("ada@example.com", "1234567890", "password"),
        ("ada@example.com", "correct\x00horse 1", "password"),
    ],
)
def test_the_server_refuses_what_the_patterns_refuse(
    client: testing.TestClient, document: dict[str, Any], email: str, password: str, field: str
) -> None:
    register = document["components"]["schemas"]["RegisterRequest"]["properties"]
    assert not re.search(register["email"]["pattern"], email) or not re.search(
        register["password"]["pattern"], password
    )
    result = _register(client, email, password)
    assert result.status_code == 422
    assert [error["field"] for error in result.json["errors"]] == [field]


def test_the_walk_sees_the_request_strings(document: dict[str, Any]) -> None:
    seen = list(_request_strings(document))
    assert len(seen) > 100
    assert any(where.endswith("?q") for where, _ in seen)
