"""schemathesis against `taskhub serve`: every operation, every check, links followed.

The document is what tools trust; this holds the server to it. Every check runs
(`--checks all`), in every phase, the stateful one following the links from each create
to the reads and writes of what it made. The run is bounded (few examples per
operation, a fixed seed, deterministic generation) so it takes a few minutes at most.

Two readings the document cannot carry are set in the configuration, and only these:
`positive_data_acceptance` also accepts 400, 410, 412 and 422, since a request can have
the documented shape and still break a rule between values or rows (a parent in another
project, a cursor that was never issued, a feed position that is not an event of the
organization, an `If-Match` version that is not the current one); and
`negative_data_rejection` also accepts 412 (a malformed `If-Match`) and 414 (gunicorn's
answer to a request line too long to read). The stateful phase follows the
document's own links only: schemathesis's inferred ones chain a restore after a delete
and then call the restored resource "deleted but still there".

Operations that end the caller's own session or account (sign out, change password,
erase the account, revoke a session, delete the organization) run with a second,
expendable account's token, so the rest keep a valid one.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.platform.served import call, register, served_taskhub

pytestmark = pytest.mark.process

EXPENDABLE = ("logout", "change_password", "erase_me", "revoke_session", "delete_org")
MAX_EXAMPLES = int(os.environ.get("TASKHUB_SCHEMATHESIS_EXAMPLES", "5"))
SEED = 20261207


def _config(token: str, expendable_token: str, org_id: str) -> str:
    operations = "".join(
        f"""
[[operations]]
include-operation-id = "{operation}"
headers = {{ Authorization = "Bearer {expendable_token}" }}
"""
        for operation in EXPENDABLE
    )
    return f"""
headers = {{ Authorization = "Bearer {token}" }}
seed = {SEED}

[generation]
max-examples = {MAX_EXAMPLES}
deterministic = true
database = "none"

[parameters]
"path.org_id" = "{org_id}"

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "410", "412", "422",
                     "429"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "414",
                     "415", "422", "428", "429"]

[phases.stateful]
max-steps = 40
inference.algorithms = []
{operations}"""


def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    with served_taskhub(tmp_path, "schemathesis") as base:
        token = register(base, "fuzzer")
        expendable = register(base, "expendable")
        status, org = call(base, "POST", "/api/v1/orgs", {"name": "Fuzz", "slug": "fuzz"}, token)
        assert status == 201, org
        config = tmp_path / "schemathesis.toml"
        config.write_text(_config(token, expendable, org["id"]))
        st = [sys.executable, "-m", "schemathesis.cli"]
        result = subprocess.run(
            [
                *st,
                "--config-file",
                str(config),
                "run",
                f"{base}/openapi.json",
                "--checks",
                "all",
                # One worker: hypothesis parses lambda sources with `ast`, whose recursion
                # guard is not thread-safe before CPython 3.11.8 ("AST constructor
                # recursion depth mismatch" from two workers at once).
                "--workers",
                "1",
                "--no-color",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-2_000:]
