"""Password reset and email verification: §Authentication "Account lifecycle"."""

from collections.abc import Sequence

from taskhub.contexts.identity.adapters.http.recovery_schemas import (
    AcceptedBody,
    PasswordResetConfirmRequest,
    PasswordResetRequest,
    VerifyEmailRequest,
)
from taskhub.contexts.identity.application.account_recovery import AccountRecoveryService
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes

# The one answer to a reset request, whether or not the email has an account.
RESET_REQUESTED = AcceptedBody(
    detail="If an active account has this email, a link to reset its password is on its way."
)


class RecoveryEndpoints:
    def __init__(self, *, recovery: AccountRecoveryService) -> None:
        self._recovery = recovery

    def request_reset(self, call: Call[PasswordResetRequest]) -> Reply:
        self._recovery.request_password_reset(call.body.email)
        return Reply(status=202, body=RESET_REQUESTED)

    def confirm_reset(self, call: Call[PasswordResetConfirmRequest]) -> Reply:
        self._recovery.reset_password(call.body.token, call.body.new_password)
        return Reply(status=204)

    def verify_email(self, call: Call[VerifyEmailRequest]) -> Reply:
        self._recovery.verify_email(call.body.token)
        return Reply(status=204)

    def send_verification(self, call: Call[None]) -> Reply:
        self._recovery.send_verification(call.user.user_id)
        return Reply(status=202, body=AcceptedBody(detail="A verification link is on its way."))

    def endpoints(self) -> Sequence[Endpoint]:
        public = Routes(tag="authentication", access=Access.PUBLIC)
        users = Routes(tag="users")
        return [
            public.post(
                "/auth/password-reset",
                handler=self.request_reset,
                body=PasswordResetRequest,
                name="request_password_reset",
                summary="Email a password-reset link",
                response=AcceptedBody,
                status=202,
                errors=(429,),
                limited_per_client_ip=True,
                description=(
                    "Answered alike whether or not the email has an account; the link "
                    "works once, for 30 minutes."
                ),
            ),
            public.post(
                "/auth/password-reset/confirm",
                handler=self.confirm_reset,
                body=PasswordResetConfirmRequest,
                name="confirm_password_reset",
                summary="Set a new password with a reset token",
                status=204,
                errors=(429,),
                limited_per_client_ip=True,
                description="Every session of the account ends; a bad token is 422 on `token`.",
            ),
            public.post(
                "/auth/verify-email",
                handler=self.verify_email,
                body=VerifyEmailRequest,
                name="verify_email",
                summary="Prove the account's email with a verification token",
                status=204,
                errors=(429,),
                limited_per_client_ip=True,
            ),
            users.post(
                "/users/me/verify-email",
                handler=self.send_verification,
                name="send_verification_email",
                summary="Send a new verification email",
                response=AcceptedBody,
                status=202,
                errors=(409, 429),
                description="At most 5 an hour; 409 once the email is verified.",
            ),
        ]
