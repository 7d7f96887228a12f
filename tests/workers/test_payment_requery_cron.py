"""The payment re-query sweep is one of the worker's cron jobs, with its policy from the settings."""

from __future__ import annotations

from datetime import timedelta

from gateway.settings import Settings
from workers.payments import policy_of, requery_pending_payments
from workers.settings import WorkerSettings


def test_the_requery_sweep_is_a_cron_job() -> None:
    (job,) = [j for j in WorkerSettings.cron_jobs if j.coroutine is requery_pending_payments]
    assert job.minute == set(range(0, 60, 5))
    assert job.second == {50}


def test_the_policy_comes_from_the_settings() -> None:
    settings = Settings(
        payments_requery_after_minutes=7, payments_expire_after_minutes=90, payments_requery_batch=20
    )
    policy = policy_of(settings)
    assert (policy.after, policy.expire_after, policy.batch) == (
        timedelta(minutes=7),
        timedelta(minutes=90),
        20,
    )
