from resolvers.ids import encode_global_id
from tests.fixtures.catalog import Catalog, persisted
from tests.fixtures.tenancy import MakeStore, gql


async def test_a_store_token_never_sees_another_store_catalog(client, make_store: MakeStore) -> None:
    a, b = await make_store("a"), await make_store("b")
    theirs = await Catalog(b).product("Theirs", slug="theirs")
    await Catalog(a).product("Ours", slug="ours")

    assert (await persisted(client, a.storefront, "ProductPage", {"slug": "theirs"}))["product"] is None
    listing = await persisted(client, a.storefront, "ProductListing")
    assert [e["node"]["slug"] for e in listing["products"]["edges"]] == ["ours"]
    node = f'{{ node(id: "{encode_global_id("Product", theirs.id)}") {{ id }} }}'
    assert (await gql(client, a.admin, node)).json()["data"]["node"] is None
