"""Job tasks used only by the tests, registered when this module is imported."""

import time

from jobs.services import JobFailed
from jobs.tasks import job_task


@job_task("tests.count_to")
def count_to(*, job, n, pause=0.0):
    for i in range(1, n + 1):
        time.sleep(pause)
        job.report_progress(100 * i / n, f"{i}/{n}")
    return {"counted": n}


@job_task("tests.explode")
def explode(*, job):
    raise ValueError("boom")


@job_task("tests.refuse")
def refuse(*, job):
    raise JobFailed("Le fichier est vide.")


@job_task("tests.flaky")
def flaky(*, job, failures):
    """Fails with a transient error for its first `failures` attempts."""
    if job.attempts <= failures:
        raise ConnectionError("the network hiccuped")
    return {"succeeded_at_attempt": job.attempts}
