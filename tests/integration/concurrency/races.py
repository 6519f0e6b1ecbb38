"""Running many writers at once, released together, against the real PostgreSQL."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job at once (released together by a barrier); results or exceptions."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> Any:
        barrier.wait(timeout=30)
        try:
            return job()
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))
