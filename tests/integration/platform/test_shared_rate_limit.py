"""Two gunicorn workers share one limit through Redis.

With per-process counters each worker would grant the full quota; with Redis the
service as a whole grants it once. The access log's pid shows both workers answered.
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis

from tests.conftest import service_unavailable
from tests.integration.platform.test_server_process import free_port

pytestmark = [pytest.mark.process, pytest.mark.redis]

REDIS_URL = os.environ.get("TASKHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
QUOTA = 6
ATTEMPTS = 30


def post_login(base: str) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/login",
        data=json.dumps({"email": "nobody@example.com", "password": "wrong-1"}).encode(),
        headers={"Content-Type": "application/json", "Connection": "close"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_two_workers_share_one_login_budget(tmp_path: Path) -> None:
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except redis.exceptions.RedisError as exc:
        service_unavailable("Redis", exc)
    for key in client.scan_iter("taskhub:ratelimit:auth:*"):
        client.delete(key)

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")}
    env.update(
        TASKHUB_REDIS_URL=REDIS_URL,
        TASKHUB_RATE_LIMIT_AUTH=f"{QUOTA}/hour",
        TASKHUB_BCRYPT_ROUNDS="4",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "taskhub.entrypoints.cli",
            "serve",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/health/live", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        time.sleep(1)  # let the second worker finish booting too
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: post_login(base), range(ATTEMPTS)))
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
        for key in client.scan_iter("taskhub:ratelimit:auth:*"):
            client.delete(key)

    assert statuses.count(401) == QUOTA, statuses
    assert statuses.count(429) == ATTEMPTS - QUOTA
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    pids = {
        line["pid"]
        for line in lines
        if line.get("event") == "request" and line.get("path") == "/api/v1/auth/login"
    }
    assert len(pids) == 2, "both workers should have answered"
