"""The cache the portal runs on, tolerant of Redis going away."""

from django_redis.cache import RedisCache, omit_exception


class TolerantRedisCache(RedisCache):
    """Redis as Django's cache; when Redis is away every read misses and every write is
    dropped (django-redis's IGNORE_EXCEPTIONS), so pages are computed again and people keep
    logging in.

    `add()` is the one answer changed: allauth's rate limits take a lock with it, and a lock
    that can never be taken would refuse every login, sign-up and password reset. While
    Redis is away the lock is granted and the limits let requests through; django-axes,
    which keeps its counts in the database, still locks an account under attack.
    """

    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)
