"""What a password must be: 8-128 characters with at least one letter and one digit.

Length is counted in characters, as people count; the byte length that bcrypt cares
about is the hasher's problem, solved there without truncating anything.
"""

from taskhub.shared_kernel.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if not any(ch.isalpha() for ch in password):
        return "must contain at least one letter"
    if not any(ch.isdigit() for ch in password):
        return "must contain at least one digit"
    return None


def check_password(password: str, field: str = "password") -> None:
    problem = password_problem(password)
    if problem is not None:
        raise ValidationFailed.single(field, problem)
