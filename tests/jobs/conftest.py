import pytest  # noqa: F401

from tests.jobs import tasks_for_tests  # noqa: F401  (registers the test tasks)
