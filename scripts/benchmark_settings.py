"""The benchmark harness's settings: the project's, in production mode as the environment says,
with the harness's URLconf (one trivial view added). Never part of a deployment."""

from trygghet.settings import *  # noqa: F403

ROOT_URLCONF = "benchmark_urls"
