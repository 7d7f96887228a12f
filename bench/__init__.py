"""Benchmarks of the GraphQL request path (`make bench`, or `python -m bench --help`).

Not part of `make test`. Each run creates its own database (stormcom_bench), seeds the demo stores into it,
measures, prints a table and writes it to bench/results/<name>.md and .json. Nothing leaves 127.0.0.1.
"""
