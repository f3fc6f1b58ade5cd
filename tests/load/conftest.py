"""The load test saves screenshots of its pages with the end-to-end tests' fixture."""

from tests.e2e.conftest import shot  # noqa: F401
