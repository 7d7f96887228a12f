from gateway.documents import DocumentPreparer
from gateway.settings import Settings
from persisted_queries.manifest import load_documents, manifest
from schema import schema

CATALOG = {
    "ProductPage",
    "ProductListing",
    "Search",
    "SearchSuggestions",
    "CategoryTree",
    "CategoryPage",
    "CollectionPage",
    "ProductReviews",
}


def test_catalog_documents_are_in_the_manifest_and_within_the_default_limits() -> None:
    preparer = DocumentPreparer(schema._schema, Settings())
    names = {op["name"] for op in manifest()["operations"]}
    assert names >= CATALOG
    for doc in load_documents():
        prepared = preparer.prepare(doc.body, introspection=False)  # raises on a limit
        assert prepared.operations, doc.name
