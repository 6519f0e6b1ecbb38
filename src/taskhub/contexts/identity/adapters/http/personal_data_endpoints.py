"""`GET /users/me/export` and `DELETE /users/me`: one's own data out, or the account gone."""

from collections.abc import Sequence

import attrs

from taskhub.contexts.identity.application.personal_data import PersonalDataService
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.fields import text
from taskhub.platform.http.routes import Routes


@attrs.frozen
class EraseAccountRequest:
    """The account's password, to confirm."""

    password: str = text(min_length=1, max_length=1024)


class PersonalDataEndpoints:
    def __init__(self, *, personal_data: PersonalDataService) -> None:
        self._data = personal_data

    def export(self, call: Call[None]) -> Reply:
        return Reply(body=self._data.export(call.user.user_id))

    def erase(self, call: Call[EraseAccountRequest]) -> Reply:
        self._data.erase(call.user.user_id, call.body.password)
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        me = Routes(tag="users")
        return [
            me.get(
                "/users/me/export",
                handler=self.export,
                name="export_me",
                summary="Everything stored about you, as JSON",
                description="Profile, live sessions, API keys you created, memberships, "
                "security log, and the tasks and comments you created (ids and titles).",
            ),
            me.delete(
                "/users/me",
                handler=self.erase,
                body=EraseAccountRequest,
                name="erase_me",
                summary="Erase your account",
                description="Email and name are replaced, sessions and API keys revoked, "
                "memberships removed; audit entries keep your id only. 409 while you are "
                "the only owner of an organization; 422 on `password` if it is wrong.",
                status=204,
                errors=(409,),
            ),
        ]
