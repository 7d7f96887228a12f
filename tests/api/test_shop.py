from tests.fixtures.tenancy import MakeStore, gql

SHOP = "{ shop { name slug currencies defaultCurrency locales timezone } }"


async def test_shop_answers_the_token_store(client, make_store: MakeStore) -> None:
    a = await make_store("a", "BDT")
    b = await make_store("b", "USD", ("en",))

    ra = (await gql(client, a.admin, SHOP)).json()["data"]["shop"]
    rb = (await gql(client, b.admin, SHOP)).json()["data"]["shop"]

    assert ra == {
        "name": "Store a",
        "slug": "a",
        "currencies": ["BDT"],
        "defaultCurrency": "BDT",
        "locales": ["bn", "en"],
        "timezone": "Asia/Dhaka",
    }
    assert rb["slug"] == "b" and rb["currencies"] == ["USD"]


async def test_shop_update_validates_and_changes_nothing_on_bad_input(client, make_store: MakeStore) -> None:
    a = await make_store("a")
    bad = (
        """mutation { shopUpdate(input: {defaultCurrency: "USD"}) { shop { name } errors { field code } } }"""
    )

    res = (await gql(client, a.admin, bad)).json()["data"]["shopUpdate"]

    assert res == {"shop": None, "errors": [{"field": "defaultCurrency", "code": "UNSUPPORTED_CURRENCY"}]}
    shop = (await gql(client, a.admin, SHOP)).json()["data"]["shop"]
    assert shop["defaultCurrency"] == "BDT"


async def test_shop_update_changes_settings(client, make_store: MakeStore) -> None:
    a = await make_store("a")
    ok = """mutation {
      shopUpdate(input: {name: "নতুন দোকান", currencies: ["BDT", "USD"], timezone: "Asia/Dhaka"})
      { shop { name currencies } errors { code } } }"""

    res = (await gql(client, a.admin, ok)).json()["data"]["shopUpdate"]

    assert res == {"shop": {"name": "নতুন দোকান", "currencies": ["BDT", "USD"]}, "errors": []}
