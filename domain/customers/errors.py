"""Error codes of customer account operations (register, log in, reset, addresses)."""

import enum


class CustomerErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    ACCOUNT_EXISTS = "ACCOUNT_EXISTS"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"
    INVALID_TOKEN = "INVALID_TOKEN"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_ADDRESS = "INVALID_ADDRESS"
    TOO_MANY_ADDRESSES = "TOO_MANY_ADDRESSES"
    SIGN_IN_REQUIRED = "SIGN_IN_REQUIRED"
    # Too many logins or reset requests for this account or from this address: wait and try again.
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
