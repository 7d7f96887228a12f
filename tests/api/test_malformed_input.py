"""Malformed ids are answered like unknown ones, and every error a client sees carries a code."""

from tests.fixtures.database import audit, count
from tests.fixtures.tenancy import MakeStore, gql


async def test_malformed_id_in_a_mutation_is_a_payload_error_and_audited(
    client, make_store: MakeStore, owner_engine
) -> None:
    a = await make_store("a")
    before = await count(owner_engine, "outbox_events", a.id)

    res = await gql(
        client,
        a.admin,
        'mutation { apiTokenRevoke(id: "garbage") { apiToken { id } errors { field code } } }',
    )

    assert res.json()["data"]["apiTokenRevoke"] == {
        "apiToken": None,
        "errors": [{"field": "id", "code": "NOT_FOUND"}],
    }
    assert await count(owner_engine, "outbox_events", a.id) == before
    entries = await audit(owner_engine, a.id)
    assert entries[-1]["operation"] == "apiTokenRevoke" and entries[-1]["result"] == "rejected"


async def test_every_top_level_error_has_a_code(client, make_store: MakeStore) -> None:
    a = await make_store("a")

    res = await gql(client, a.admin, '{ node(id: "!!") { id } shop { name } }')
    coerced = await gql(
        client, a.admin, "query ($n: Int) { apiTokens(first: $n) { edges { cursor } } }", {"n": "x"}
    )

    assert res.json()["data"]["shop"]["name"] == "Store a"
    assert (
        all(e["extensions"]["code"] for e in res.json().get("errors", []))
        or res.json()["data"]["node"] is None
    )
    assert [e["extensions"]["code"] for e in coerced.json()["errors"]] == ["BAD_USER_INPUT"]
