"""Two (or eight) concurrent refreshes of one token: exactly one wins, on both databases."""

import threading
from concurrent.futures import ThreadPoolExecutor

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.identity.application.accounts import Register
from taskhub.contexts.identity.application.sessions import Refresh
from taskhub.contexts.identity.domain.errors import InvalidRefreshToken

RACERS = 8


def test_concurrent_refreshes_of_one_token_have_exactly_one_winner(
    container: ApplicationContainer,
) -> None:
    signed_in = container.identity.accounts().register(
        Register(email="race@example.com", password="correct horse 1", name="Racer")
    )
    sessions = container.identity.sessions()
    barrier = threading.Barrier(RACERS)

    def attempt(_: int) -> str:
        barrier.wait()
        try:
            sessions.refresh(Refresh(refresh_token=signed_in.refresh_token))
        except InvalidRefreshToken:
            return "refused"
        return "won"

    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = list(pool.map(attempt, range(RACERS)))

    assert outcomes.count("won") == 1
    assert outcomes.count("refused") == RACERS - 1
