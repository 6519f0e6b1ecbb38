"""The Attachments subsection of the contract, over HTTP through the real app: each test
on SQLite and PostgreSQL, each on local storage and on S3 (moto's server)."""

import hashlib
import urllib.request

import sqlalchemy as sa
from falcon import testing

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.messaging.tables import outbox
from tests.integration.attachments.conftest import attachments_container, new_task, s3_url, upload
from tests.integration.world import API, User, add_member, create_org, problem, register

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)


def _url(org_id: str, task_id: str, tail: str = "") -> str:
    return f"{API}/orgs/{org_id}/tasks/{task_id}/attachments{tail}"


def _content(client: testing.TestClient, user: User, url: str, **headers: str) -> testing.Result:
    return client.simulate_get(url, headers={**user.auth, **headers})


def _fetch(client: testing.TestClient, user: User, url: str) -> bytes:
    """The bytes, following S3's redirect to the signed URL as a client would."""
    result = _content(client, user, url)
    if result.status_code == 302:
        with urllib.request.urlopen(result.headers["location"]) as answer:
            return bytes(answer.read())
    assert result.status_code == 200, result.text
    return result.content


def test_upload_answers_the_shape_with_a_sniffed_type_and_a_display_only_name(
    client: testing.TestClient, owner: User, org_id: str, task_id: str
) -> None:
    result = upload(
        client,
        owner,
        org_id,
        task_id,
        PNG,
        filename="../../etc/sh\x07ot.png",
        declared="text/plain",
    )
    assert result.status_code == 201, result.text
    body = result.json
    assert set(body) == {
        "id",
        "task_id",
        "filename",
        "content_type",
        "size",
        "sha256",
        "created_by",
        "created_at",
    }
    assert body["content_type"] == "image/png"
    assert body["filename"] == "shot.png"
    assert body["size"] == len(PNG)
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert body["task_id"] == task_id
    assert body["created_by"] == str(owner.id)
    assert _fetch(client, owner, _url(org_id, task_id, f"/{body['id']}/content")) == PNG


def test_list_and_metadata(
    client: testing.TestClient, owner: User, org_id: str, task_id: str
) -> None:
    ids = [
        upload(client, owner, org_id, task_id, f"file {i}".encode()).json["id"] for i in range(3)
    ]
    first = client.simulate_get(_url(org_id, task_id), params={"limit": 2}, headers=owner.auth)
    assert first.status_code == 200
    assert [a["id"] for a in first.json["items"]] == ids[:2]
    rest = client.simulate_get(
        _url(org_id, task_id),
        params={"cursor": first.json["next_cursor"]},
        headers=owner.auth,
    )
    assert [a["id"] for a in rest.json["items"]] == ids[2:]
    one = client.simulate_get(_url(org_id, task_id, f"/{ids[1]}"), headers=owner.auth)
    assert one.status_code == 200
    assert one.json["filename"] == "notes.txt"
    assert one.json["content_type"] == "text/plain"
    problem(client.simulate_get(_url(org_id, task_id), params={"x": "1"}, headers=owner.auth), 422)


def test_content_is_served_safely_with_ranges(
    client: testing.TestClient, owner: User, org_id: str, task_id: str, storage_url: str
) -> None:
    data = bytes(range(256)) * 4
    created = upload(client, owner, org_id, task_id, data, filename='résumé "v2".bin').json
    url = _url(org_id, task_id, f"/{created['id']}/content")
    whole = _content(client, owner, url)
    if storage_url.startswith("s3://"):
        assert whole.status_code == 302
        location = whole.headers["location"]
        assert "X-Amz-Expires=300" in location
        assert "response-content-disposition=attachment" in location
        with urllib.request.urlopen(location) as answer:
            assert answer.read() == data
            assert answer.headers["Content-Disposition"].startswith("attachment;")
        return
    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["content-disposition"] == (
        "attachment; filename=\"r_sum_ _v2_.bin\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.bin"
    )
    assert whole.headers["x-content-type-options"] == "nosniff"
    assert whole.headers["content-security-policy"] == "sandbox"
    assert whole.headers["etag"] == f'"{created["sha256"]}"'
    assert whole.headers["content-type"] == "application/octet-stream"
    part = _content(client, owner, url, Range="bytes=10-19")
    assert part.status_code == 206
    assert part.content == data[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"
    tail = _content(client, owner, url, Range="bytes=-5")
    assert (tail.status_code, tail.content) == (206, data[-5:])
    beyond = _content(client, owner, url, Range=f"bytes={len(data)}-")
    problem(beyond, 416, "range_not_satisfiable")
    assert beyond.headers["content-range"] == f"bytes */{len(data)}"
    cached = _content(client, owner, url, **{"If-None-Match": whole.headers["etag"]})
    assert cached.status_code == 304


def test_only_multipart_within_the_limit_with_a_file(
    client: testing.TestClient,
    owner: User,
    org_id: str,
    task_id: str,
    container: ApplicationContainer,
) -> None:
    url = _url(org_id, task_id)
    as_json = client.simulate_post(url, json={"file": "x"}, headers=owner.auth)
    problem(as_json, 415, "unsupported_media_type")
    limit = container.settings().max_upload_bytes
    too_big = upload(client, owner, org_id, task_id, b"x" * (limit + 1))
    problem(too_big, 413, "payload_too_large")
    assert too_big.headers["connection"] == "close"
    problem(upload(client, owner, org_id, task_id, b""), 422)
    no_file = upload(client, owner, org_id, task_id, b"abc", field="other")
    assert problem(no_file, 422)["errors"][0]["field"] == "file"
    broken = client.simulate_post(
        url,
        body=b"--nope\r\n",
        headers={**owner.auth, "Content-Type": "multipart/form-data; boundary=zzz"},
    )
    assert broken.status_code in (400, 422)
    assert upload(client, owner, org_id, task_id, b"x" * limit).status_code == 201
    listed = client.simulate_get(url, headers=owner.auth).json["items"]
    assert [a["size"] for a in listed] == [limit]


def test_the_quota_is_a_409(engine: object, storage_url: str, tmp_path: object) -> None:

    container = attachments_container(engine, storage_url, org_storage_quota_bytes=10)  # type: ignore[arg-type]
    client = testing.TestClient(create_app(container))
    owner = register(client, "quota")
    org_id = str(create_org(client, owner)["id"])
    task_id = new_task(client, owner, org_id)
    assert upload(client, owner, org_id, task_id, b"123456").status_code == 201
    problem(upload(client, owner, org_id, task_id, b"123456"), 409, "storage_quota_exceeded")
    assert upload(client, owner, org_id, task_id, b"1234").status_code == 201
    problem(upload(client, owner, org_id, task_id, b"1"), 409, "storage_quota_exceeded")


def test_delete_by_uploader_or_admin_and_restore_by_admin(
    client: testing.TestClient, owner: User, org_id: str, task_id: str
) -> None:
    alice, bob = register(client, "alice"), register(client, "bob")
    add_member(client, org_id, owner, alice, "member")
    add_member(client, org_id, owner, bob, "member")
    created = upload(client, owner, org_id, task_id, b"by alice", declared="x/y")
    mine = upload(client, alice, org_id, task_id, b"alice's").json["id"]
    one = _url(org_id, task_id, f"/{mine}")
    problem(client.simulate_delete(one, headers=bob.auth), 403)
    assert client.simulate_delete(one, headers=alice.auth).status_code == 204
    problem(client.simulate_get(one, headers=alice.auth), 404)
    problem(client.simulate_get(one + "/content", headers=alice.auth), 404)
    listed = client.simulate_get(_url(org_id, task_id), headers=owner.auth).json["items"]
    assert [a["id"] for a in listed] == [created.json["id"]]
    problem(client.simulate_post(one + "/restore", headers=alice.auth), 403)
    restored = client.simulate_post(one + "/restore", headers=owner.auth)
    assert restored.status_code == 200, restored.text
    assert restored.json["id"] == mine
    assert client.simulate_get(one, headers=bob.auth).status_code == 200
    other = _url(org_id, task_id, f"/{created.json['id']}")
    assert client.simulate_delete(other, headers=owner.auth).status_code == 204


def test_a_deleted_task_hides_its_attachments(
    client: testing.TestClient, owner: User, org_id: str, task_id: str
) -> None:
    created = upload(client, owner, org_id, task_id, b"kept").json
    one = _url(org_id, task_id, f"/{created['id']}")
    task = f"{API}/orgs/{org_id}/tasks/{task_id}"
    assert client.simulate_delete(task, headers=owner.auth).status_code == 204
    for url in (_url(org_id, task_id), one, one + "/content"):
        problem(client.simulate_get(url, headers=owner.auth), 404)
    problem(upload(client, owner, org_id, task_id, b"more"), 404)
    assert client.simulate_post(task + "/restore", headers=owner.auth).status_code == 200
    assert client.simulate_get(one, headers=owner.auth).status_code == 200


def test_another_organizations_task_is_404(
    client: testing.TestClient, owner: User, org_id: str, task_id: str
) -> None:

    created = upload(client, owner, org_id, task_id, b"mine").json
    stranger = register(client, "stranger")
    their_org = str(create_org(client, stranger)["id"])
    for url in (
        _url(their_org, task_id),
        _url(their_org, task_id, f"/{created['id']}"),
        _url(their_org, task_id, f"/{created['id']}/content"),
    ):
        problem(client.simulate_get(url, headers=stranger.auth), 404)
    problem(upload(client, stranger, their_org, task_id, b"x"), 404)
    other_task = new_task(client, owner, org_id)
    problem(
        client.simulate_get(_url(org_id, other_task, f"/{created['id']}"), headers=owner.auth), 404
    )


def test_events_and_audit_entries(
    client: testing.TestClient,
    owner: User,
    org_id: str,
    task_id: str,
    container: ApplicationContainer,
) -> None:

    created = upload(client, owner, org_id, task_id, b"audited").json
    one = _url(org_id, task_id, f"/{created['id']}")
    assert client.simulate_delete(one, headers=owner.auth).status_code == 204
    assert client.simulate_post(one + "/restore", headers=owner.auth).status_code == 200
    log = client.simulate_get(
        f"{API}/orgs/{org_id}/audit-log",
        params={"entity_type": "attachment"},
        headers=owner.auth,
    ).json["items"]
    assert [e["action"] for e in log] == [
        "attachment.restored",
        "attachment.deleted",
        "attachment.created",
    ]
    assert {e["entity_id"] for e in log} == {created["id"]}
    assert log[-1]["actor_id"] == str(owner.id)
    with container.engine().connect() as connection:
        rows = connection.execute(
            sa.select(outbox.c.event_type).where(outbox.c.event_type.like("attachment.%"))
        ).all()
    assert sorted(r.event_type for r in rows) == [
        "attachment.created",
        "attachment.deleted",
        "attachment.restored",
    ]
    assert "attachment.created" in container.known_event_types()


def test_readiness_names_storage(client: testing.TestClient) -> None:
    ready = client.simulate_get("/health/ready")
    assert ready.status_code == 200
    assert ready.json["checks"]["storage"] == "ok"


def test_readiness_is_503_when_the_bucket_is_missing(engine: object, s3_endpoint: str) -> None:

    container = attachments_container(engine, s3_url(s3_endpoint, "no-such-bucket"))  # type: ignore[arg-type]
    ready = testing.TestClient(create_app(container)).simulate_get("/health/ready")
    assert ready.status_code == 503
    assert ready.json["checks"]["storage"] == "down"


def test_openapi_describes_multipart_and_binary(client: testing.TestClient) -> None:
    document = client.simulate_get("/openapi.json").json
    path = "/api/v1/orgs/{org_id}/tasks/{task_id}/attachments"
    post = document["paths"][path]["post"]
    form = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"]
    assert form["properties"]["file"]["contentMediaType"] == "application/octet-stream"
    assert "413" in post["responses"]
    assert "415" in post["responses"]
    assert not any(p["name"] == "Idempotency-Key" for p in post.get("parameters", []))
    content = document["paths"][path + "/{attachment_id}/content"]["get"]["responses"]
    assert set(content) >= {"200", "206", "302", "416"}
    assert "application/octet-stream" in content["200"]["content"]
    assert "Location" in content["302"]["headers"]
