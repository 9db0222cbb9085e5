"""Settings for `make bench`: production settings, with the benchmark's URLconf."""

from socialdomain.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
