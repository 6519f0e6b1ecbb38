"""The OpenAPI document and the router are built from one list, and they agree."""

import re
import subprocess
import sys

import falcon
import orjson
from falcon import testing
from falcon.routing import CompiledRouter

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.http.endpoints import openapi_path

HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}


def router_routes(app: falcon.App) -> set[tuple[str, str]]:
    router = app._router
    assert isinstance(router, CompiledRouter)
    routes: set[tuple[str, str]] = set()

    def walk(nodes: list) -> None:  # type: ignore[type-arg]
        for node in nodes:
            if node.resource is not None:
                for method in HTTP_METHODS:
                    if hasattr(node.resource, f"on_{method.lower()}"):
                        routes.add((method, openapi_path(node.uri_template)))
            walk(node.children)

    walk(router._roots)
    return routes


def document_routes(document: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }


def test_every_routed_method_is_documented_and_every_documented_one_routed(
    container: ApplicationContainer,
) -> None:
    app = create_app(container)
    document = testing.TestClient(app).simulate_get("/openapi.json").json
    assert router_routes(app) == document_routes(document)


def test_the_document_is_openapi_3_1_with_resolvable_references(client: testing.TestClient) -> None:
    document = client.simulate_get("/openapi.json").json
    assert document["openapi"] == "3.1.0"
    schemas = document["components"]["schemas"]
    text = str(document)
    for ref in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert ref in schemas


def test_request_schemas_forbid_unknown_fields_and_carry_limits(client: testing.TestClient) -> None:
    schemas = client.simulate_get("/openapi.json").json["components"]["schemas"]
    register = schemas["RegisterRequest"]
    assert register["additionalProperties"] is False
    assert register["required"] == ["email", "password", "name"]
    assert register["properties"]["password"]["minLength"] == 8
    assert register["properties"]["password"]["maxLength"] == 128
    assert register["properties"]["name"]["maxLength"] == 200


def test_operations_document_security_and_errors(client: testing.TestClient) -> None:
    paths = client.simulate_get("/openapi.json").json["paths"]
    assert paths["/api/v1/auth/login"]["post"]["security"] == []
    me = paths["/api/v1/users/me"]["get"]
    assert me["security"] == [{"bearer": []}]
    assert "401" in me["responses"]
    revoke = paths["/api/v1/users/me/sessions/{session_id}"]["delete"]
    assert revoke["parameters"][0]["schema"] == {"type": "string", "format": "uuid"}
    assert "204" in revoke["responses"]
    register = paths["/api/v1/auth/register"]["post"]
    assert {"201", "400", "409", "413", "415", "422"} <= register["responses"].keys()


def test_the_cli_prints_the_same_document(client: testing.TestClient) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "taskhub.entrypoints.cli", "openapi"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    assert orjson.loads(out) == client.simulate_get("/openapi.json").json
