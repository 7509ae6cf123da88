from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from jobs.models import Job


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    return render(request, "jobs/job_detail.html", {"job": job})


@login_required
def job_status(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "progress": job.progress,
            "message": job.message,
            "error": job.error,
            "finished": job.is_finished,
        }
    )


@login_required
def job_list(request):
    jobs = Job.objects.visible_to(request.user).select_related("created_by")[:100]
    return render(request, "jobs/job_list.html", {"jobs": jobs})
