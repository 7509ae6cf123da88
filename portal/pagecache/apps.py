from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PageCacheConfig(AppConfig):
    name = "portal.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from portal.context_processors import header_keys
        from portal.pagecache import batch
        from portal.pagecache.generation import watch_writes
        from portal.pagecache.middleware import batched_reader_key

        connection_created.connect(watch_writes, dispatch_uid="pagecache-watch-writes")
        # What a kept page and its header read, with the person, in one round trip.
        batch.register(batched_reader_key)
        batch.register(header_keys)
