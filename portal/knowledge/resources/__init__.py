"""Resources of the knowledge base: writing them (services.py), attachments, revisions, who
may read what (visibility.py, Resource.objects.readable_by), the « one committee » hook
(audiences.py), pages, feeds and the API."""
