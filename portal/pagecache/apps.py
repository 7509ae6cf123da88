from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PageCacheConfig(AppConfig):
    name = "portal.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from portal.pagecache.generation import watch_writes

        connection_created.connect(watch_writes, dispatch_uid="pagecache-watch-writes")
