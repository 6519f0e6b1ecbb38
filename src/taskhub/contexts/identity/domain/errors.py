"""Identity's errors, worded for API consumers."""

from taskhub.shared_kernel.errors import Conflict, Unauthenticated, ValidationFailed


class EmailTaken(Conflict):
    code = "email_taken"

    def __init__(self) -> None:
        super().__init__("An account with this email already exists.")


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("The email or password is incorrect.")


class InvalidRefreshToken(Unauthenticated):
    code = "invalid_refresh_token"

    def __init__(self) -> None:
        super().__init__("The refresh token is invalid, expired or revoked; sign in again.")


class InvalidAccessToken(Unauthenticated):
    code = "invalid_token"

    def __init__(self) -> None:
        super().__init__("The access token is invalid, expired or revoked.")


def wrong_current_password() -> ValidationFailed:
    return ValidationFailed.single("current_password", "is incorrect")


class InvalidApiKey(Unauthenticated):
    code = "invalid_api_key"

    def __init__(self) -> None:
        super().__init__("The API key is invalid, expired or revoked.")


class EmailAlreadyVerified(Conflict):
    code = "email_already_verified"

    def __init__(self) -> None:
        super().__init__("The email is already verified.")
