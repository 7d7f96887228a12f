"""Customer accounts: register, log in, and reset a forgotten password.

Passwords are argon2 hashes (the same hasher as staff). Login answers the same INVALID_CREDENTIALS for an
unknown account and a wrong password, and verifies against a dummy hash when there is no account, so the
answer and its timing do not reveal who has one. A customer row without a password (staff-created, or a
guest's checkout) is claimed through a password reset, which proves the email or phone is theirs;
registering over it would hand its order history to whoever typed the address first.

Reset tokens are `<reset id>.<expiry>.<HMAC-SHA256>` signed with the gateway's secret over the store,
reset id, customer and expiry; the row's `used_at`, set by a conditional UPDATE, makes each single-use."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, func, or_, select, update

from domain.customers import events
from domain.customers.addresses import normalize_email, normalize_phone
from domain.customers.errors import CustomerErrorCode
from domain.customers.models import Customer, PasswordReset
from domain.customers.sessions import close_all_sessions, open_session
from domain.errors import DomainError, DomainErrors
from domain.tenancy.provisioning import hash_password, verify_password
from domain.uow import UnitOfWork

RESET_TTL = timedelta(hours=1)
MIN_PASSWORD = 8
_DUMMY_HASH = hash_password("not a real password: evens out login timing")


class RegisterInput(BaseModel):
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=30)
    password: str = Field(max_length=200)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)


@dataclass(frozen=True)
class SignedIn:
    customer: Customer
    token: str


def _contact(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    errors: list[DomainError] = []
    clean_email = normalize_email(email) if email else None
    clean_phone = normalize_phone(phone) if phone else None
    if email and clean_email is None:
        errors.append(DomainError(CustomerErrorCode.INVALID, "not an email address", field="email"))
    if phone and clean_phone is None:
        errors.append(
            DomainError(
                CustomerErrorCode.INVALID_PHONE, "a Bangladeshi mobile number: 01XXXXXXXXX", field="phone"
            )
        )
    if not email and not phone:
        errors.append(
            DomainError(CustomerErrorCode.REQUIRED, "give an email or a phone number", field="email")
        )
    if errors:
        raise DomainErrors(errors)
    return clean_email, clean_phone


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD or password.isdigit() or password.isalpha():
        raise DomainError(
            CustomerErrorCode.PASSWORD_TOO_WEAK,
            f"at least {MIN_PASSWORD} characters, not only letters or only digits",
            field="password",
        )


def login_identity(identifier: str) -> str:
    """The account an identifier names, spelled one way (what login and reset throttles count by): a
    mobile number in +880 form, otherwise the text trimmed and lowercased, as `_by_identifier` matches."""
    return normalize_phone(identifier) or identifier.strip().lower()


def _by_identifier(identifier: str) -> ColumnElement[bool]:
    """The WHERE clause finding a customer by email (any case) or phone (any common spelling)."""
    phone = normalize_phone(identifier)
    email = identifier.strip().lower()
    return (
        or_(func.lower(Customer.email) == email, Customer.phone == phone)
        if phone
        else (func.lower(Customer.email) == email)
    )


async def _find(uow: UnitOfWork, identifier: str) -> Customer | None:
    # PostgreSQL cannot even compare text holding U+0000, and no email or phone holds it: nobody.
    if "\x00" in identifier:
        return None
    return await uow.session.scalar(select(Customer).where(_by_identifier(identifier)).limit(1))


async def register(uow: UnitOfWork, data: RegisterInput) -> SignedIn:
    """A new account, signed in. An email or phone already known to the store gets ACCOUNT_EXISTS."""
    email, phone = _contact(data.email, data.phone)
    _check_password(data.password)
    clauses = []
    if email:
        clauses.append(func.lower(Customer.email) == email.lower())
    if phone:
        clauses.append(Customer.phone == phone)
    if await uow.session.scalar(select(Customer.id).where(or_(*clauses)).limit(1)):
        raise DomainError(
            CustomerErrorCode.ACCOUNT_EXISTS,
            "this store knows that email or phone: sign in, or reset the password to claim it",
            field="email" if email else "phone",
        )
    customer = Customer(
        id=uuid.uuid4(),
        email=email,
        phone=phone,
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        password_hash=hash_password(data.password),
    )
    uow.session.add(customer)
    await uow.session.flush()
    token = await open_session(uow, customer.id)
    uow.emit(events.CUSTOMER_REGISTERED, {"id": str(customer.id)})
    return SignedIn(customer, token)


async def login(uow: UnitOfWork, identifier: str, password: str) -> SignedIn:
    if not identifier.strip() or not password:
        raise DomainError(
            CustomerErrorCode.REQUIRED, "give your email or phone and password", field="identifier"
        )
    customer = await _find(uow, identifier)
    stored = customer.password_hash if customer is not None else None
    if not verify_password(stored or _DUMMY_HASH, password) or customer is None or stored is None:
        raise DomainError(
            CustomerErrorCode.INVALID_CREDENTIALS, "wrong email, phone or password", field="identifier"
        )
    return SignedIn(customer, await open_session(uow, customer.id))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signature(
    secret: bytes, store_id: uuid.UUID, reset_id: uuid.UUID, customer_id: uuid.UUID, expires: int
) -> str:
    message = f"{store_id}.{reset_id}.{customer_id}.{expires}".encode()
    return _b64(hmac.new(secret, message, hashlib.sha256).digest())


async def request_reset(
    uow: UnitOfWork, identifier: str, *, secret: bytes, ttl: timedelta = RESET_TTL
) -> str | None:
    """Record a reset and emit its token for the notification app; None (and no event) when no customer
    has this email or phone. The mutation answers the same either way, so it reveals no accounts."""
    customer = await _find(uow, identifier)
    if customer is None:
        return None
    expires_at = uow.clock() + ttl
    reset = PasswordReset(id=uuid.uuid4(), customer_id=customer.id, expires_at=expires_at)
    uow.session.add(reset)
    await uow.session.flush()
    expires = int(expires_at.timestamp())
    token = f"{reset.id}.{expires}.{_signature(secret, uow.store_id, reset.id, customer.id, expires)}"
    uow.emit(
        events.CUSTOMER_PASSWORD_RESET_REQUESTED,
        {
            "customer_id": str(customer.id),
            "email": customer.email,
            "phone": customer.phone,
            "token": token,
            "expires_at": expires_at.isoformat(),
        },
    )
    return token


async def reset_password(uow: UnitOfWork, token: str, new_password: str, *, secret: bytes) -> SignedIn:
    """Set a new password with a reset token: it must be well signed, unexpired and unused. Every other
    session of the customer ends; the caller is signed in afresh."""
    invalid = DomainError(
        CustomerErrorCode.INVALID_TOKEN, "this reset link is invalid or expired", field="token"
    )
    try:
        raw_id, raw_expires, signature = token.split(".")
        reset_id, expires = uuid.UUID(raw_id), int(raw_expires)
    except ValueError:
        raise invalid from None
    _check_password(new_password)
    now = uow.clock()
    if datetime.fromtimestamp(expires, UTC) <= now:
        raise invalid
    row = await uow.session.get(PasswordReset, reset_id)
    if row is None or row.store_id != uow.store_id:
        raise invalid
    expected = _signature(secret, uow.store_id, reset_id, row.customer_id, expires)
    if not hmac.compare_digest(expected, signature) or int(row.expires_at.timestamp()) != expires:
        raise invalid
    used = await uow.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset_id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(used_at=now)
        .returning(PasswordReset.customer_id)
    )
    if used.first() is None:
        raise invalid
    customer = await uow.session.get(Customer, row.customer_id, with_for_update=True)
    assert customer is not None  # the reset row cascades with its customer
    customer.password_hash = hash_password(new_password)
    await close_all_sessions(uow, customer.id)
    await uow.session.flush()
    uow.emit(events.CUSTOMER_PASSWORD_CHANGED, {"id": str(customer.id)})
    return SignedIn(customer, await open_session(uow, customer.id))
