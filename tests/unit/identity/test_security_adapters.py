"""The credential adapters: bcrypt without truncation, strict JWTs, opaque tokens.

These adapters wrap pure libraries, so they are tested here directly; the fakes of the
same ports are held to the shared parts of the contract below.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest

from taskhub.contexts.identity.adapters.security.access_tokens import JwtAccessTokenCodec
from taskhub.contexts.identity.adapters.security.opaque_tokens import SecretsOpaqueTokens
from taskhub.contexts.identity.adapters.security.passwords import BcryptPasswordHasher
from taskhub.contexts.identity.application.ports import AccessClaims
from taskhub.contexts.identity.application.testing.fakes import (
    FakeOpaqueTokens,
    FakePasswordHasher,
)
from taskhub.contexts.identity.domain.errors import InvalidAccessToken

KEY = "k" * 40
CLAIMS = AccessClaims(user_id=uuid.uuid4(), session_id=uuid.uuid4())


@pytest.fixture(params=["bcrypt", "fake"])
def hasher(request: pytest.FixtureRequest) -> BcryptPasswordHasher | FakePasswordHasher:
    return BcryptPasswordHasher(rounds=4) if request.param == "bcrypt" else FakePasswordHasher()


def test_hash_verifies_only_the_same_password(hasher: BcryptPasswordHasher) -> None:
    hashed = hasher.hash("secret pass 1")
    assert "secret pass 1" not in hashed
    assert hasher.verify("secret pass 1", hashed)
    assert not hasher.verify("secret pass 2", hashed)


def test_passwords_beyond_72_bytes_differ_in_their_last_character(
    hasher: BcryptPasswordHasher,
) -> None:
    long = "ü" * 100 + "a1"  # 202 bytes of UTF-8
    hashed = hasher.hash(long)
    assert hasher.verify(long, hashed)
    assert not hasher.verify("ü" * 100 + "a2", hashed)
    assert not hasher.verify("ü" * 100, hashed)


def test_a_nul_byte_is_not_an_end_of_password(hasher: BcryptPasswordHasher) -> None:
    hashed = hasher.hash("abc\x00def1")
    assert not hasher.verify("abc\x00xyz1", hashed)


def test_bcrypt_uses_the_configured_cost_and_a_scheme_prefix() -> None:
    hashed = BcryptPasswordHasher(rounds=5).hash("secret pass 1")
    assert hashed.startswith("bcrypt-hmac-sha256$$2b$05$")
    assert not BcryptPasswordHasher(rounds=4).verify("secret pass 1", "$2b$04$" + "x" * 53)


@pytest.fixture(params=["secrets", "fake"])
def opaque(request: pytest.FixtureRequest) -> SecretsOpaqueTokens | FakeOpaqueTokens:
    return SecretsOpaqueTokens() if request.param == "secrets" else FakeOpaqueTokens()


def test_opaque_tokens_are_unique_and_digests_stable(opaque: SecretsOpaqueTokens) -> None:
    tokens = {opaque.new_token() for _ in range(200)}
    assert len(tokens) == 200
    token = next(iter(tokens))
    assert (
        opaque.digest(token) == opaque.digest(token) == hashlib.sha256(token.encode()).hexdigest()
    )


def test_refresh_tokens_carry_at_least_256_bits() -> None:
    token = SecretsOpaqueTokens().new_token()
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) >= 32


def test_access_tokens_round_trip_and_declare_their_type() -> None:
    codec = JwtAccessTokenCodec(KEY, ttl_seconds=900)
    issued = codec.issue(CLAIMS)
    assert issued.expires_in == 900
    assert jwt.get_unverified_header(issued.token) == {"alg": "HS256", "typ": "at+jwt"}
    payload = jwt.decode(issued.token, options={"verify_signature": False})
    assert {"exp", "iat", "sub", "iss", "aud", "jti", "sid"} <= payload.keys()
    assert codec.read(issued.token) == CLAIMS


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        JwtAccessTokenCodec("short", ttl_seconds=900)


def _b64(data: dict[str, object] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _payload(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    payload: dict[str, object] = {
        "iss": "taskhub",
        "aud": "taskhub-api",
        "sub": str(CLAIMS.user_id),
        "sid": str(CLAIMS.session_id),
        "iat": now,
        "exp": now + 600,
        "jti": "j",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def _signed(header: dict[str, object], payload: dict[str, object], key: str = KEY) -> str:
    signing_input = f"{_b64(header)}.{_b64(payload)}"
    signature = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


GOOD_HEADER = {"alg": "HS256", "typ": "at+jwt"}


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(
            f"{_b64({'alg': 'none', 'typ': 'at+jwt'})}.{_b64(_payload())}.", id="alg-none"
        ),
        pytest.param(_signed(GOOD_HEADER, _payload(), key="x" * 40), id="wrong-key"),
        pytest.param(_signed(GOOD_HEADER, _payload(aud="someone-else")), id="wrong-aud"),
        pytest.param(_signed(GOOD_HEADER, _payload(iss="evil")), id="wrong-iss"),
        pytest.param(_signed(GOOD_HEADER, _payload(exp=int(time.time()) - 5)), id="expired"),
        pytest.param(_signed({"alg": "HS256", "typ": "JWT"}, _payload()), id="wrong-typ"),
        pytest.param(_signed({"alg": "HS512", "typ": "at+jwt"}, _payload()), id="other-alg"),
        pytest.param(_signed(GOOD_HEADER, _payload(jti=None)), id="no-jti"),
        pytest.param(_signed(GOOD_HEADER, _payload(iat=None)), id="no-iat"),
        pytest.param(_signed(GOOD_HEADER, _payload(sub="not-a-uuid")), id="bad-sub"),
        pytest.param(_signed(GOOD_HEADER, _payload(sid=None)), id="no-session"),
        pytest.param("not.a.jwt", id="garbage"),
    ],
)
def test_tokens_that_must_not_pass(token: str) -> None:
    with pytest.raises(InvalidAccessToken):
        JwtAccessTokenCodec(KEY, ttl_seconds=900).read(token)


def test_a_well_formed_hand_signed_token_passes() -> None:
    assert (
        JwtAccessTokenCodec(KEY, ttl_seconds=900).read(_signed(GOOD_HEADER, _payload())) == CLAIMS
    )


class _Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_a_remembered_token_still_expires() -> None:
    clock = _Clock()
    codec = JwtAccessTokenCodec(KEY, ttl_seconds=60, now=clock)
    token = codec.issue(CLAIMS).token
    assert codec.read(token) == CLAIMS
    clock.now += 30
    assert codec.read(token) == CLAIMS
    clock.now += 31
    with pytest.raises(InvalidAccessToken):
        codec.read(token)
    with pytest.raises(InvalidAccessToken):  # and stays refused
        codec.read(token)


def test_a_refused_token_is_refused_again_not_remembered() -> None:
    codec = JwtAccessTokenCodec(KEY, ttl_seconds=900)
    forged = _signed(GOOD_HEADER, _payload(), key="x" * 40)
    for _ in range(2):
        with pytest.raises(InvalidAccessToken):
            codec.read(forged)


def test_remembering_only_answers_for_the_exact_token() -> None:
    codec = JwtAccessTokenCodec(KEY, ttl_seconds=900)
    token = codec.issue(CLAIMS).token
    assert codec.read(token) == CLAIMS
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    with pytest.raises(InvalidAccessToken):
        codec.read(tampered)
