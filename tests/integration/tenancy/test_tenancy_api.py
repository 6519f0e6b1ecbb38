"""API.md §Organizations through HTTP on the real container (SQLite and PostgreSQL)."""

import uuid

from falcon import testing

from tests.integration.world import (
    API,
    add_member,
    create_org,
    problem,
    register,
)


def test_creating_an_organization(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    result = client.simulate_post(
        f"{API}/orgs", json={"name": "Acme", "slug": "acme-inc"}, headers=owner.auth
    )
    assert result.status_code == 201
    body = result.json
    assert set(body) == {"id", "name", "slug", "plan", "created_at", "version"}
    assert (body["name"], body["slug"], body["plan"], body["version"]) == (
        "Acme",
        "acme-inc",
        "free",
        1,
    )
    assert result.headers["etag"] == '"1"'
    problem(
        client.simulate_post(
            f"{API}/orgs", json={"name": "B", "slug": "acme-inc"}, headers=owner.auth
        ),
        409,
        "slug_taken",
    )


def test_slug_rules(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    for slug in ("ab", "-abc", "abc-", "ABC", "a_b_c", "a" * 64, "spa ce"):
        result = client.simulate_post(
            f"{API}/orgs", json={"name": "X", "slug": slug}, headers=owner.auth
        )
        assert [e["field"] for e in problem(result, 422)["errors"]] == ["slug"], slug
    for slug in ("abc", "a-b", "0rg", "a" * 63):
        result = client.simulate_post(
            f"{API}/orgs", json={"name": "X", "slug": slug}, headers=owner.auth
        )
        assert result.status_code == 201, slug


def test_plan_and_ids_cannot_be_assigned(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    result = client.simulate_post(
        f"{API}/orgs",
        json={"name": "X", "slug": "xyz", "plan": "premium", "id": str(uuid.uuid4())},
        headers=owner.auth,
    )
    assert sorted(e["field"] for e in problem(result, 422)["errors"]) == ["id", "plan"]


def test_listing_my_organizations_with_my_role(client: testing.TestClient) -> None:
    ada, bob = register(client, "ada"), register(client, "bob")
    mine = create_org(client, ada)
    theirs = create_org(client, bob)
    add_member(client, theirs["id"], bob, ada, "viewer")
    create_org(client, bob)
    result = client.simulate_get(f"{API}/orgs", headers=ada.auth)
    assert result.status_code == 200
    roles = {item["id"]: item["role"] for item in result.json["items"]}
    assert roles == {mine["id"]: "owner", theirs["id"]: "viewer"}


def test_pagination_is_keyset_with_a_link_header(client: testing.TestClient) -> None:
    ada = register(client, "ada")
    created = [create_org(client, ada)["id"] for _ in range(5)]
    seen: list[str] = []
    url = f"{API}/orgs?limit=2"
    pages = 0
    while url:
        result = client.simulate_get(
            url.split("?", maxsplit=1)[0], query_string=url.split("?")[1], headers=ada.auth
        )
        assert result.status_code == 200
        seen.extend(item["id"] for item in result.json["items"])
        pages += 1
        cursor = result.json["next_cursor"]
        if cursor is None:
            assert "link" not in result.headers
            break
        link = result.headers["link"]
        assert link.endswith('>; rel="next"')
        url = link[1 : link.index(">")]
        assert "limit=2" in url
    assert pages == 3
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))


def test_bad_limits_are_422_and_tampered_cursors_400(client: testing.TestClient) -> None:
    ada = register(client, "ada")
    for limit in ("0", "101", "ten", "-1"):
        result = client.simulate_get(f"{API}/orgs", query_string=f"limit={limit}", headers=ada.auth)
        assert [e["field"] for e in problem(result, 422)["errors"]] == ["limit"]
    for _ in range(3):
        create_org(client, ada)
    cursor = client.simulate_get(f"{API}/orgs", query_string="limit=1", headers=ada.auth).json[
        "next_cursor"
    ]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    for bad in (tampered, "garbage", "%%%", cursor[:5]):
        result = client.simulate_get(f"{API}/orgs", params={"cursor": bad}, headers=ada.auth)
        problem(result, 400, "invalid_cursor")


def test_etags_conditional_get_and_if_match(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    url = f"{API}/orgs/{org['id']}"
    got = client.simulate_get(url, headers=owner.auth)
    assert got.headers["etag"] == '"1"'
    assert "cache-control" not in got.headers
    not_modified = client.simulate_get(url, headers={**owner.auth, "If-None-Match": '"1"'})
    assert not_modified.status_code == 304
    assert not_modified.text == ""

    stale = client.simulate_patch(
        url, json={"name": "New"}, headers={**owner.auth, "If-Match": '"7"'}
    )
    problem(stale, 412, "precondition_failed")
    assert client.simulate_get(url, headers=owner.auth).json["name"] == org["name"]

    fresh = client.simulate_patch(
        url, json={"name": "New"}, headers={**owner.auth, "If-Match": '"1"'}
    )
    assert fresh.status_code == 200
    assert fresh.json["version"] == 2
    assert fresh.headers["etag"] == '"2"'
    blind = client.simulate_patch(url, json={"slug": "brand-new"}, headers=owner.auth)
    assert (blind.json["version"], blind.json["slug"]) == (3, "brand-new")
    unchanged = client.simulate_patch(url, json={"slug": "brand-new"}, headers=owner.auth)
    assert unchanged.json["version"] == 3
    problem(client.simulate_delete(url, headers={**owner.auth, "If-Match": '"2"'}), 412)
    assert client.simulate_delete(url, headers={**owner.auth, "If-Match": '"3"'}).status_code == 204


def test_a_taken_slug_on_patch_is_409(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    first, second = create_org(client, owner), create_org(client, owner)
    result = client.simulate_patch(
        f"{API}/orgs/{second['id']}", json={"slug": first["slug"]}, headers=owner.auth
    )
    problem(result, 409, "slug_taken")


def test_members_listing_and_adding(client: testing.TestClient) -> None:
    owner, ada = register(client, "owner"), register(client, "ada")
    org = create_org(client, owner)
    members_url = f"{API}/orgs/{org['id']}/members"
    added = client.simulate_post(
        members_url, json={"email": ada.email.upper(), "role": "member"}, headers=owner.auth
    )
    assert added.status_code == 201
    assert set(added.json) == {"user_id", "email", "name", "role", "joined_at"}
    assert (added.json["user_id"], added.json["role"]) == (str(ada.id), "member")
    problem(
        client.simulate_post(
            members_url, json={"email": ada.email, "role": "viewer"}, headers=owner.auth
        ),
        409,
        "already_member",
    )
    problem(
        client.simulate_post(
            members_url, json={"email": "nobody@example.com", "role": "viewer"}, headers=owner.auth
        ),
        404,
    )
    problem(
        client.simulate_post(
            members_url, json={"email": ada.email, "role": "emperor"}, headers=owner.auth
        ),
        422,
    )
    listing = client.simulate_get(members_url, headers=ada.auth)
    assert {(m["user_id"], m["role"]) for m in listing.json["items"]} == {
        (str(owner.id), "owner"),
        (str(ada.id), "member"),
    }


def test_only_owners_grant_or_remove_owner_and_admin(client: testing.TestClient) -> None:
    owner, admin, ada = (
        register(client, "owner"),
        register(client, "admin"),
        register(client, "ada"),
    )
    org = create_org(client, owner)
    add_member(client, org["id"], owner, admin, "admin")
    members_url = f"{API}/orgs/{org['id']}/members"
    problem(
        client.simulate_post(
            members_url, json={"email": ada.email, "role": "admin"}, headers=admin.auth
        ),
        403,
    )
    add_member(client, org["id"], admin, ada, "viewer")
    ada_url = f"{members_url}/{ada.id}"
    promoted = client.simulate_patch(ada_url, json={"role": "member"}, headers=admin.auth)
    assert promoted.json["role"] == "member"
    problem(client.simulate_patch(ada_url, json={"role": "admin"}, headers=admin.auth), 403)
    problem(
        client.simulate_patch(
            f"{members_url}/{owner.id}", json={"role": "member"}, headers=admin.auth
        ),
        403,
    )
    problem(client.simulate_delete(f"{members_url}/{owner.id}", headers=admin.auth), 403)
    assert (
        client.simulate_patch(ada_url, json={"role": "admin"}, headers=owner.auth).json["role"]
        == "admin"
    )
    assert client.simulate_delete(ada_url, headers=owner.auth).status_code == 204
    problem(client.simulate_get(f"{API}/orgs/{org['id']}", headers=ada.auth), 404)


def test_the_last_owner_stays(client: testing.TestClient) -> None:
    owner, second = register(client, "owner"), register(client, "second")
    org = create_org(client, owner)
    members_url = f"{API}/orgs/{org['id']}/members"
    problem(
        client.simulate_patch(
            f"{members_url}/{owner.id}", json={"role": "admin"}, headers=owner.auth
        ),
        409,
        "last_owner",
    )
    problem(
        client.simulate_delete(f"{members_url}/{owner.id}", headers=owner.auth), 409, "last_owner"
    )
    add_member(client, org["id"], owner, second, "owner")
    assert (
        client.simulate_delete(f"{members_url}/{owner.id}", headers=second.auth).status_code == 204
    )
    problem(
        client.simulate_delete(f"{members_url}/{second.id}", headers=second.auth), 409, "last_owner"
    )


def test_teams_and_their_members(client: testing.TestClient) -> None:
    owner, ada, outsider = (
        register(client, "owner"),
        register(client, "ada"),
        register(client, "out"),
    )
    org = create_org(client, owner)
    add_member(client, org["id"], owner, ada, "member")
    teams_url = f"{API}/orgs/{org['id']}/teams"
    created = client.simulate_post(
        teams_url, json={"name": "Platform", "description": "infra"}, headers=owner.auth
    )
    assert created.status_code == 201
    team = created.json
    assert set(team) == {"id", "name", "description", "created_at", "updated_at", "version"}
    problem(
        client.simulate_post(teams_url, json={"name": "platform"}, headers=owner.auth),
        409,
        "team_name_taken",
    )
    team_url = f"{teams_url}/{team['id']}"
    renamed = client.simulate_patch(team_url, json={"name": "Core"}, headers=owner.auth)
    assert (renamed.json["name"], renamed.json["version"]) == ("Core", 2)

    put = client.simulate_put(
        f"{team_url}/members/{ada.id}", json={"role": "lead"}, headers=owner.auth
    )
    assert put.status_code == 200
    assert put.json == {"user_id": str(ada.id), "role": "lead"}
    problem(
        client.simulate_put(
            f"{team_url}/members/{outsider.id}", json={"role": "member"}, headers=owner.auth
        ),
        422,
    )
    problem(
        client.simulate_put(
            f"{team_url}/members/{ada.id}", json={"role": "boss"}, headers=owner.auth
        ),
        422,
    )
    members = client.simulate_get(f"{team_url}/members", headers=ada.auth).json["items"]
    assert members == [{"user_id": str(ada.id), "role": "lead"}]
    assert (
        client.simulate_delete(f"{team_url}/members/{ada.id}", headers=owner.auth).status_code
        == 204
    )
    problem(client.simulate_delete(f"{team_url}/members/{ada.id}", headers=owner.auth), 404)

    assert client.simulate_delete(team_url, headers=owner.auth).status_code == 204
    problem(client.simulate_get(team_url, headers=owner.auth), 404)
    assert client.simulate_get(teams_url, headers=owner.auth).json["items"] == []


def test_a_team_of_another_organization_is_404(client: testing.TestClient) -> None:
    ada, bob = register(client, "ada"), register(client, "bob")
    ada_org, bob_org = create_org(client, ada), create_org(client, bob)
    team = client.simulate_post(
        f"{API}/orgs/{bob_org['id']}/teams", json={"name": "Secret"}, headers=bob.auth
    ).json
    problem(
        client.simulate_get(f"{API}/orgs/{ada_org['id']}/teams/{team['id']}", headers=ada.auth), 404
    )
