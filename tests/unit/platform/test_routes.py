"""The route builder: org-scoped routes relative to the org prefix, with a role; typed
path parameters; a handler held to its route's body by mypy."""

import textwrap
from pathlib import Path

import attrs
import pytest
from mypy import api as mypy_api

from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.routes import ORG_PREFIX, Routes
from taskhub.shared_kernel.roles import Role


@attrs.frozen
class ThingRequest:
    name: str


def no_body(call: Call[None]) -> Reply:
    return Reply()


def thing(call: Call[ThingRequest]) -> Reply:
    return Reply(body=call.body.name)


def maybe_thing(call: Call[ThingRequest | None]) -> Reply:
    return Reply()


def test_org_routes_are_declared_relative_to_the_org_prefix() -> None:
    routes = Routes.in_org(tag="things")
    endpoint = routes.post(
        "/things",
        handler=thing,
        body=ThingRequest,
        name="create_thing",
        summary="s",
        role=Role.MEMBER,
        status=201,
    )
    assert endpoint == Endpoint(
        method="POST",
        path=f"{ORG_PREFIX}/things",
        handler=thing,
        operation_id="create_thing",
        summary="s",
        tag="things",
        access=Access.PRINCIPAL,
        body=ThingRequest,
        org_role=Role.MEMBER,
        status=201,
    )
    assert ORG_PREFIX == "/api/v1/orgs/{org_id:uuid}"


def test_the_org_itself_is_the_empty_path() -> None:
    endpoint = Routes.in_org(tag="orgs").get(
        "", handler=no_body, name="n", summary="s", role=Role.VIEWER
    )
    assert endpoint.path == ORG_PREFIX


def test_an_org_route_without_a_role_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a role"):
        Routes.in_org(tag="things").get("/things", handler=no_body, name="n", summary="s")


def test_a_role_outside_the_org_is_refused() -> None:
    with pytest.raises(ValueError, match="only routes under the organization"):
        Routes(tag="me").get("/users/me", handler=no_body, name="n", summary="s", role=Role.ADMIN)


def test_other_routes_sit_under_the_api_prefix_with_the_groups_access() -> None:
    endpoint = Routes(tag="auth", access=Access.PUBLIC).post(
        "/auth/refresh", handler=maybe_thing, optional_body=ThingRequest, name="n", summary="s"
    )
    assert endpoint.path == "/api/v1/auth/refresh"
    assert endpoint.access is Access.PUBLIC
    assert endpoint.body is ThingRequest
    assert endpoint.body_optional


def test_path_parameters_must_be_uuids() -> None:
    with pytest.raises(ValueError, match="must be"):
        Routes.in_org(tag="t").get(
            "/things/{slug}", handler=no_body, name="n", summary="s", role=Role.VIEWER
        )


MISMATCHED = """
    import attrs
    from taskhub.platform.http.endpoints import Call, Reply
    from taskhub.platform.http.routes import Routes
    from taskhub.shared_kernel.roles import Role

    @attrs.frozen
    class A:
        a: str

    @attrs.frozen
    class B:
        b: int

    def takes_a(call: Call[A]) -> Reply:
        return Reply()

    def takes_nothing(call: Call[None]) -> Reply:
        return Reply()

    ADMIN = Role.ADMIN
    routes = Routes.in_org(tag="t")
    routes.patch("/x", handler=takes_a, body=A, name="ok", summary="s", role=Role.ADMIN)
    routes.patch("/x", handler=takes_a, body=B, name="wrong_body", summary="s", role=Role.ADMIN)
    routes.get("/x", handler=takes_a, name="get_with_body", summary="s", role=Role.ADMIN)
    routes.post("/x", handler=takes_a, name="post_without_body", summary="s", role=Role.ADMIN)
    routes.post("/x", handler=takes_nothing, body=A, name="body_ignored", summary="s", role=ADMIN)
    def uses_params(call: Call[None]) -> str:
        return call.params["thing_id"]
"""


def test_mypy_refuses_a_handler_that_disagrees_with_its_routes_body(tmp_path: Path) -> None:
    snippet = tmp_path / "routes_snippet.py"
    snippet.write_text(textwrap.dedent(MISMATCHED))
    out, _err, _status = mypy_api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / ".mypy"), str(snippet)]
    )
    lines = textwrap.dedent(MISMATCHED).splitlines()
    flagged = {int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line}
    flagged_text = {lines[n - 1].strip() for n in flagged}
    wrong = ("wrong_body", "get_with_body", "post_without_body", "body_ignored", "thing_id")
    expected = {line.strip() for line in lines if any(f'"{name}"' in line for name in wrong)}
    assert flagged_text == expected, out
