"""Redis clients for the request path: they give up fast instead of holding a request.

redis-py's defaults wait for seconds and retry, which every request would sit through
while Redis is away, and a retried command may run twice (an INCR counted twice). Every
client taskhub builds for serving (the rate limiter's, the answer cache's, readiness's)
therefore has short socket timeouts and no retries: a Redis that refuses costs nothing,
one that hangs costs one timeout. A pooled connection that Redis closed is replaced
when it is next taken from the pool, so a Redis restart costs no failed command.
"""

from typing import Final

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

REDIS_TIMEOUT_SECONDS: Final = 0.25


def fast_failing_redis(url: str, *, timeout: float = REDIS_TIMEOUT_SECONDS) -> "redis.Redis":
    """A client whose every command fails within `timeout` when Redis does not answer."""
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def check_redis(client: "redis.Redis") -> None:
    """Readiness: one PING, which raises when Redis does not answer within the timeout."""
    client.ping()
