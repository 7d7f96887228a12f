"""Nagad's message crypto: `sensitiveData` is RSA PKCS#1 v1.5 encryption of a JSON text with the
receiver's public key, `signature` is SHA256withRSA (PKCS#1 v1.5) over the same text with the sender's
private key; both base64. Two RSA pairs: the merchant's and Nagad's."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def load_private(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def load_public(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def plaintext(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def encrypt(public: rsa.RSAPublicKey, text: bytes) -> str:
    return base64.b64encode(public.encrypt(text, padding.PKCS1v15())).decode()


def decrypt(private: rsa.RSAPrivateKey, data: str) -> bytes:
    """ValueError if it is not base64 or not for this key."""
    try:
        return private.decrypt(base64.b64decode(data, validate=True), padding.PKCS1v15())
    except (binascii.Error, ValueError):
        raise ValueError("cannot decrypt: not base64, or not for this key") from None


def sign(private: rsa.RSAPrivateKey, text: bytes) -> str:
    return base64.b64encode(private.sign(text, padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(public: rsa.RSAPublicKey, text: bytes, signature: str) -> bool:
    try:
        public.verify(base64.b64decode(signature, validate=True), text, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
