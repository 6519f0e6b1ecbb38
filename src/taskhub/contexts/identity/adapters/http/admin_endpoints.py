"""`/api/v1/admin/*`: staff manage accounts. Anyone else gets 404, as if the routes did
not exist (the group's `admits`)."""

from collections.abc import Sequence

from taskhub.contexts.identity.adapters.http.admin_schemas import (
    ActiveFilter,
    AdminUserBody,
    ChangeUserRequest,
    CreateUserRequest,
)
from taskhub.contexts.identity.adapters.http.recovery_schemas import AcceptedBody
from taskhub.contexts.identity.application.staff import ChangeAccount, StaffService
from taskhub.contexts.identity.domain.user import User
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.query import choice_param, text_param
from taskhub.platform.http.routes import Routes

ADMIN_USER_QUERY = (
    text_param("q", "Part of the email or the name, ignoring case.", max_length=254),
    choice_param("active", ActiveFilter, "Only active (`true`) or deactivated accounts."),
)


def admin_user_body(user: User) -> AdminUserBody:
    return AdminUserBody(
        id=user.id,
        email=user.email,
        name=user.name,
        active=user.is_active,
        staff=user.is_staff,
        email_verified=user.email_verified,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


class AdminEndpoints:
    def __init__(self, *, staff: StaffService) -> None:
        self._staff = staff

    def list_users(self, call: Call[None]) -> Reply:
        active: ActiveFilter | None = call.query.get("active")
        page = self._staff.search(
            call.query.get("q"),
            None if active is None else active is ActiveFilter.TRUE,
            call.page,
        )
        return Reply(body=page.map(admin_user_body))

    def create_user(self, call: Call[CreateUserRequest]) -> Reply:
        user = self._staff.create(email=call.body.email, name=call.body.name)
        return Reply(status=201, body=admin_user_body(user))

    def get_user(self, call: Call[None]) -> Reply:
        return Reply(body=admin_user_body(self._staff.view(call.params["user_id"])))

    def change_user(self, call: Call[ChangeUserRequest]) -> Reply:
        changes = call.body.changes()
        user = self._staff.change(
            call.params["user_id"],
            ChangeAccount(name=changes.get("name"), active=changes.get("active")),
        )
        return Reply(body=admin_user_body(user))

    def reset_password(self, call: Call[None]) -> Reply:
        self._staff.send_password_reset(call.params["user_id"])
        return Reply(status=202, body=AcceptedBody(detail="A password reset link is on its way."))

    def endpoints(self) -> Sequence[Endpoint]:
        admin = Routes(tag="admin", admits=self._staff.admits)
        return [
            admin.get(
                "/admin/users",
                handler=self.list_users,
                name="admin_list_users",
                summary="Accounts, newest first (staff only)",
                response=AdminUserBody,
                paginated=True,
                query=ADMIN_USER_QUERY,
                errors=(404,),
            ),
            admin.post(
                "/admin/users",
                handler=self.create_user,
                body=CreateUserRequest,
                name="admin_create_user",
                summary="Create an account that chooses its password by email (staff only)",
                response=AdminUserBody,
                status=201,
                errors=(404, 409),
            ),
            admin.get(
                "/admin/users/{user_id:uuid}",
                handler=self.get_user,
                name="admin_get_user",
                summary="One account (staff only)",
                response=AdminUserBody,
                errors=(404,),
            ),
            admin.patch(
                "/admin/users/{user_id:uuid}",
                handler=self.change_user,
                body=ChangeUserRequest,
                name="admin_change_user",
                summary="Rename, deactivate or activate an account (staff only)",
                response=AdminUserBody,
                errors=(404,),
            ),
            admin.post(
                "/admin/users/{user_id:uuid}/password-reset",
                handler=self.reset_password,
                name="admin_send_password_reset",
                summary="Email the account a password reset link (staff only)",
                response=AcceptedBody,
                status=202,
                errors=(404,),
            ),
        ]
