from celery import shared_task
from django.db import close_old_connections

from jobs import services


def job_task(name, **options):
    """Declare a Celery task that runs a recorded Job.

    The decorated function receives the job and its recorded arguments. Send it with
    `jobs.services.job_enqueue(task=<this task>, arguments=...)`, never with `.delay()`.
    Retries are the job's own (`Job.attempts`, see `jobs.services.job_run`), not Celery's.
    """

    def decorator(func):
        @shared_task(name=name, bind=True, acks_late=True, **options)
        def task(self, job_id):
            if self.request.is_eager:
                return services.job_run(job_id=job_id, func=func)
            # Workers live long: drop connections past CONN_MAX_AGE, as requests do.
            close_old_connections()
            try:
                return services.job_run(job_id=job_id, func=func, worker=self.request.hostname)
            finally:
                close_old_connections()

        task.run_job = func
        return task

    return decorator


@shared_task(name="jobs.sweep", ignore_result=True)
def sweep():
    return services.jobs_sweep()
