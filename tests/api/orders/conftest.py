"""The courier fakes and account factory, for the tracking tests' shipments."""

from tests.fixtures.courier_accounts import make_courier_account
from tests.fixtures.couriers import courier_http, fake_pathao, fake_redx, fake_steadfast

__all__ = ["courier_http", "fake_pathao", "fake_redx", "fake_steadfast", "make_courier_account"]
