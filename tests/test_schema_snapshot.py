"""The committed schema.graphql is the live schema, so every API change shows up in review.

Regenerate with `make schema` (`stormcom schema export > schema.graphql`; typer.echo adds the final newline).
"""

from pathlib import Path

from schema import schema

SNAPSHOT = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_schema_matches_the_live_schema() -> None:
    live = schema.as_str() + "\n"

    committed = SNAPSHOT.read_text(encoding="utf-8")

    assert committed == live, "schema.graphql is stale: run `make schema` and commit the result"
