"""Identity's endpoints: §Authentication of the HTTP contract, API keys aside."""

from collections.abc import Sequence

from taskhub.contexts.identity.adapters.http.schemas import (
    AuthResponse,
    ChangePasswordRequest,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    SessionBody,
    UpdateMeRequest,
    UserBody,
)
from taskhub.contexts.identity.application.accounts import (
    AccountService,
    ChangePassword,
    Register,
    Rename,
    SignIn,
)
from taskhub.contexts.identity.application.invited_registration import InvitedRegistration
from taskhub.contexts.identity.application.results import SignedIn
from taskhub.contexts.identity.application.sessions import Refresh, SessionService
from taskhub.contexts.identity.domain.errors import InvalidRefreshToken
from taskhub.contexts.identity.domain.user import User
from taskhub.platform.http.endpoints import Access, Call, Cookie, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.field_copy import fields_from

REFRESH_COOKIE = "taskhub_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth"


def user_body(user: User) -> UserBody:
    return fields_from(UserBody, user)


class IdentityEndpoints:
    def __init__(
        self,
        *,
        accounts: AccountService,
        sessions: SessionService,
        refresh_ttl: int,
        invited: InvitedRegistration,
    ) -> None:
        self._accounts = accounts
        self._invited = invited
        self._sessions = sessions
        self._refresh_ttl = refresh_ttl

    def _signed_in(self, result: SignedIn, status: int) -> Reply:
        return Reply(
            status=status,
            body=AuthResponse(
                user=user_body(result.user),
                access_token=result.access_token,
                refresh_token=result.refresh_token,
                token_type="Bearer",  # noqa: S106 - the OAuth token type, not a secret
                expires_in=result.expires_in,
            ),
            cookies=(self._refresh_cookie(result.refresh_token, self._refresh_ttl),),
            # Token responses must never be stored by a cache (RFC 6749 §5.1).
            headers={"Cache-Control": "no-store"},
        )

    @staticmethod
    def _refresh_cookie(value: str, max_age: int) -> Cookie:
        return Cookie(REFRESH_COOKIE, value, max_age=max_age, path=REFRESH_COOKIE_PATH)

    def register(self, call: Call[RegisterRequest]) -> Reply:
        body = call.body
        command = Register(
            email=body.email, password=body.password, name=body.name, origin=call.origin
        )
        if body.invitation_token is None:
            result = self._accounts.register(command)
        else:
            result = self._invited.register(command, body.invitation_token)
        return self._signed_in(result, 201)

    def login(self, call: Call[LoginRequest]) -> Reply:
        body = call.body
        result = self._accounts.sign_in(
            SignIn(email=body.email, password=body.password, origin=call.origin)
        )
        return self._signed_in(result, 200)

    def refresh(self, call: Call[RefreshRequest | None]) -> Reply:
        body: RefreshRequest | None = call.body
        token = body.refresh_token if body is not None else call.cookies.get(REFRESH_COOKIE)
        if not token:
            raise InvalidRefreshToken()
        result = self._sessions.refresh(Refresh(refresh_token=token, origin=call.origin))
        return self._signed_in(result, 200)

    def logout(self, call: Call[None]) -> Reply:
        self._sessions.sign_out(call.user)
        return Reply(status=204, cookies=(self._refresh_cookie("", 0),))

    def change_password(self, call: Call[ChangePasswordRequest]) -> Reply:
        body = call.body
        self._accounts.change_password(
            ChangePassword(
                user_id=call.user.user_id,
                current_password=body.current_password,
                new_password=body.new_password,
            )
        )
        return Reply(status=204, cookies=(self._refresh_cookie("", 0),))

    def me(self, call: Call[None]) -> Reply:
        return Reply(body=user_body(self._accounts.profile(call.user.user_id)))

    def update_me(self, call: Call[UpdateMeRequest]) -> Reply:
        body = call.body
        user = self._accounts.rename(Rename(user_id=call.user.user_id, name=body.name))
        return Reply(body=user_body(user))

    def list_sessions(self, call: Call[None]) -> Reply:
        views = self._sessions.page_live(call.user, call.page)
        return Reply(
            body=views.map(
                lambda v: SessionBody(
                    id=v.session.id,
                    created_at=v.session.created_at,
                    last_used_at=v.session.last_used_at,
                    ip=v.session.ip,
                    user_agent=v.session.user_agent,
                    current=v.current,
                )
            )
        )

    def revoke_session(self, call: Call[None]) -> Reply:
        self._sessions.revoke(call.user, call.params["session_id"])
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        public = Routes(tag="authentication", access=Access.PUBLIC)
        signed_in = Routes(tag="authentication")
        users = Routes(tag="users")
        return [
            public.post(
                "/auth/register",
                handler=self.register,
                body=RegisterRequest,
                name="register",
                summary="Create an account",
                response=AuthResponse,
                status=201,
                location="/users/me",
                errors=(409, 429),
                limited_per_client_ip=True,
            ),
            public.post(
                "/auth/login",
                handler=self.login,
                body=LoginRequest,
                name="login",
                summary="Sign in",
                response=AuthResponse,
                errors=(401, 429),
                limited_per_client_ip=True,
            ),
            public.post(
                "/auth/refresh",
                handler=self.refresh,
                optional_body=RefreshRequest,
                name="refresh",
                summary="Exchange a refresh token for a new pair",
                response=AuthResponse,
                errors=(401, 429),
                limited_per_client_ip=True,
                description=(
                    "The presented token is dead afterwards; presenting it again revokes "
                    "the whole session."
                ),
            ),
            signed_in.post(
                "/auth/logout",
                handler=self.logout,
                name="logout",
                summary="Sign out of this session",
                status=204,
            ),
            signed_in.post(
                "/auth/change-password",
                handler=self.change_password,
                body=ChangePasswordRequest,
                name="change_password",
                summary="Change the password and end every session",
                status=204,
            ),
            users.get(
                "/users/me",
                handler=self.me,
                name="get_me",
                summary="The signed-in user",
                response=UserBody,
            ),
            users.patch(
                "/users/me",
                handler=self.update_me,
                body=UpdateMeRequest,
                name="update_me",
                summary="Rename yourself",
                response=UserBody,
            ),
            users.get(
                "/users/me/sessions",
                handler=self.list_sessions,
                name="list_sessions",
                summary="Your live sessions",
                response=SessionBody,
                paginated=True,
                description="Newest first.",
            ),
            users.delete(
                "/users/me/sessions/{session_id:uuid}",
                handler=self.revoke_session,
                name="revoke_session",
                summary="End one of your sessions",
                status=204,
                errors=(404,),
            ),
        ]
