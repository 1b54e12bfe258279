"""Django's Redis cache shares one connection pool per process across request contexts."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache

from coursesite.redis_pool import SharedConnectionPool


def test_two_cache_objects_for_the_same_server_use_one_pool():
    options = {"OPTIONS": {"pool_class": "coursesite.redis_pool.SharedConnectionPool"}}
    first = RedisCache("redis://127.0.0.1:6399/0", options)
    second = RedisCache("redis://127.0.0.1:6399/0", options)

    assert first._cache.get_client().connection_pool is second._cache.get_client().connection_pool


def test_another_server_or_database_gets_its_own_pool():
    one = SharedConnectionPool.from_url("redis://127.0.0.1:6399/0")
    other_db = SharedConnectionPool.from_url("redis://127.0.0.1:6399/1")
    same = SharedConnectionPool.from_url("redis://127.0.0.1:6399/0")

    assert one is same
    assert one is not other_db
