"""The notifications reaction costs a fixed number of statements per delivered batch,
however many events the batch holds: its reads and writes are batch-shaped, not one set
per event (ADR 0039)."""

from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from tests.integration.notifications.conftest import deliver
from tests.integration.notifications.test_notifications_api import inbox
from tests.integration.work.test_query_count import counting
from tests.integration.work_world import Org, make_org


def make_events(org: Org, project: dict[str, str], count: int) -> None:
    """`count` creates assigning two people and `count` comments mentioning one: each
    starts watches, reads settings and writes notifications."""
    for i in range(count):
        task = org.task(
            project,
            title=f"Task {i}",
            assignee_ids=[str(org.viewer.id), str(org.admin.id)],
        )
        body = f"<@{org.owner.id}> have a look"
        result = org.post(f"/tasks/{task['id']}/comments", {"body": body}, by=org.admin)
        assert result.status_code == 201, result.text


def test_a_batch_of_40_events_costs_what_a_batch_of_4_does(
    client: testing.TestClient, container: ApplicationContainer, engine: Engine
) -> None:
    org = make_org(client)
    project = org.project()
    deliver(container)  # what making the organization published
    counts = []
    for count in (2, 20):
        make_events(org, project, count)
        with counting(engine) as statements:
            deliver(container)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    # Every create told the viewer and the admin of their assignment; every comment told
    # the owner of the mention and the viewer, watching, of the comment.
    told = {
        user: [item["reason"] for item in inbox(client, user, "limit=100")]
        for user in (org.viewer, org.owner)
    }
    assert told[org.viewer].count("assigned") == told[org.viewer].count("commented") == 22
    assert told[org.owner] == ["mentioned"] * 22
