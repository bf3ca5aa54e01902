"""`python -m apps.benchmark`: the benchmark run with Django set up (bench settings unless the
environment names others). `make bench` prepares the database first; see launcher.py."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmsys.settings.bench")
django.setup()

from apps.benchmark.main import main  # noqa: E402 - needs Django set up

sys.exit(main())
