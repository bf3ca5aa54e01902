"""The portal measured at the size of a real organisation (issue 7): `make bench`.

Not an installed app and no models: it generates data in a database kept for benchmarks
(never the dev database), times the work and the pages, and writes bench/results.json.
Entry point: `python -m apps.benchmark` (see __main__.py); bench/README.md explains the figures.
"""
