"""TraceLab settings, read from the environment.

Every knob is a `TRACELAB_*` variable (plus `DATABASE_URL` and `REDIS_URL`). Bad values
fail at start-up with ImproperlyConfigured instead of surfacing later as odd behaviour.
"""

import ipaddress
import os
import re
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from coursesite import logs

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})
_UNSET = object()


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean variable: 1/true/yes/on or 0/false/no/off (any case)."""
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE_WORDS:
        return True
    if raw in _FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Read an integer variable, optionally bounded below."""
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_str(name: str, default: str | None = None, *, choices: tuple[str, ...] = ()) -> str:
    """Read a string variable; without a default the variable is required."""
    raw = os.environ.get(name, "").strip()
    if raw == "":
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set")
        return default
    if choices and raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated list variable (blank items dropped)."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# pytest-django loads these settings before any conftest can set variables, so a test
# run gets the same fixed key as a debug run.
RUNNING_TESTS = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

DEBUG = env_bool("TRACELAB_DEBUG", False)

if DEBUG or RUNNING_TESTS:
    SECRET_KEY = env_str("TRACELAB_SECRET_KEY", "insecure-dev-key-do-not-use-in-production")
else:
    SECRET_KEY = env_str("TRACELAB_SECRET_KEY")

ALLOWED_HOSTS = [
    host.strip()
    for host in env_str("TRACELAB_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # The admin, for superusers only (coursesite/operator_admin.py).
    "coursesite.operator_admin.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "exercises",
    "live",
    "courses",
    # LTI 1.3: pylti1p3's app of platform registrations (rows an admin enters; its
    # AppConfig in lti/apps.py), then the launches, links and grades built on them.
    "lti.apps.ToolConfigConfig",
    "lti",
]

MIDDLEWARE = [
    # First: request id, one log line and the latency of every request; answers /healthz
    # and /metrics ahead of host checks, HTTPS redirects and sessions.
    "coursesite.monitoring.RequestMonitorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "coursesite.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: pages get a Content-Security-Policy, static files need none.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the views' exceptions first: a database away answers 503.
    "coursesite.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "coursesite.urls"
WSGI_APPLICATION = "coursesite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production), else a local SQLite file.
# TRACELAB_VAR_DIR moves the local state elsewhere (relative: from the repository root).
VAR_DIR = BASE_DIR / env_str("TRACELAB_VAR_DIR", "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("TRACELAB_DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if (
    env_str("TRACELAB_DB_POOL", "0", choices=("0", "1")) == "1"
    and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
):
    # The web server opens an event stream's request in a thread of its own (Django's
    # ASGI handler), so connections kept per thread (CONN_MAX_AGE) would be opened anew
    # for each: it borrows them from a pool instead (the run command and the compose
    # stack set this for it; the workers keep theirs per process).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": env_int("TRACELAB_DB_POOL_SIZE", 20, minimum=1),
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server, workers and the sweeper write concurrently: wait for the lock
    # instead of failing, and take it at the start of a write transaction.
    # Write-ahead logging lets readers (every page, every poll) go on while a worker
    # writes, and commits need no fsync of the whole journal (synchronous=NORMAL stays
    # safe in WAL mode: a power cut can lose the last commits, never corrupt the file).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so a real Celery worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

CACHE_BACKEND = env_str("TRACELAB_CACHE", "locmem", choices=("locmem", "redis"))
if CACHE_BACKEND == "redis":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"pool_class": "coursesite.redis_pool.SharedConnectionPool"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read on every request: from the cache when there is a shared one (Redis),
# written through to the database so a cache restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if RUNNING_TESTS:
    # Deliberately weak and fast: tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: whitenoise serves them from the app itself. Finders are used so the
# site works without a collectstatic step; a deployment that runs collectstatic can
# switch on hashed, compressed files.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("TRACELAB_STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security headers. Cookies are marked Secure only behind HTTPS, which the operator
# declares, so a plain-HTTP single-machine run still keeps its session.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every page (django-csp): scripts only from the site's own
# files (no inline script, no eval), no plugins, no framing, forms post only here.
# Styles come from the site's files; the one <style> element made at run time (the code
# editor's) carries the page's nonce, which django-csp adds when a template asks for
# it. Images and fonts are the site's own, plus data: URLs (the favicon).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env_bool("TRACELAB_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("TRACELAB_SSL_REDIRECT", True)
    # Browsers keep to HTTPS for a year once they have seen the site over it. Subdomains
    # and the preload list are the operator's to opt into: they bind other hosts too.
    SECURE_HSTS_SECONDS = env_int("TRACELAB_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TRACELAB_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("TRACELAB_HSTS_PRELOAD", False)

# Under /api/ a missing CSRF token is a JSON error like every other API error.
CSRF_FAILURE_VIEW = "coursesite.errors.csrf_failure"
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in env_str("TRACELAB_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# Throttling of logins and signups (coursesite/throttle.py), counted in the cache: failed
# logins per account at one address and per address, signup attempts and accounts
# created per address, each in a fixed window. Only failures count against logins, so a
# class logging in at once behind one address stays clear of the limits.
TRACELAB_LOGIN_FAILURES_PER_ACCOUNT = env_int("TRACELAB_LOGIN_FAILURES_PER_ACCOUNT", 10, minimum=1)
TRACELAB_LOGIN_FAILURES_PER_ADDRESS = env_int("TRACELAB_LOGIN_FAILURES_PER_ADDRESS", 100, minimum=1)
TRACELAB_LOGIN_WINDOW_SECONDS = env_int("TRACELAB_LOGIN_WINDOW_SECONDS", 900, minimum=1)
TRACELAB_SIGNUP_ATTEMPTS_PER_ADDRESS = env_int(
    "TRACELAB_SIGNUP_ATTEMPTS_PER_ADDRESS", 100, minimum=1
)
TRACELAB_SIGNUPS_PER_ADDRESS = env_int("TRACELAB_SIGNUPS_PER_ADDRESS", 50, minimum=1)
TRACELAB_SIGNUP_WINDOW_SECONDS = env_int("TRACELAB_SIGNUP_WINDOW_SECONDS", 3600, minimum=1)
# Password reset requests per address, and per email address whatever the client's
# address (so nobody fills a student's mailbox), in a fixed window.
TRACELAB_RESET_REQUESTS_PER_ADDRESS = env_int("TRACELAB_RESET_REQUESTS_PER_ADDRESS", 50, minimum=1)
TRACELAB_RESET_REQUESTS_PER_EMAIL = env_int("TRACELAB_RESET_REQUESTS_PER_EMAIL", 5, minimum=1)
TRACELAB_RESET_WINDOW_SECONDS = env_int("TRACELAB_RESET_WINDOW_SECONDS", 3600, minimum=1)
# Reverse proxies in front that append the client's address to X-Forwarded-For; 0 takes
# REMOTE_ADDR as the client (a header a client sends itself is never trusted).
TRACELAB_PROXY_COUNT = env_int("TRACELAB_PROXY_COUNT", 0, minimum=0)
RATELIMIT_USE_CACHE = "default"

# Password reset links work once (the token signs the password hash and last login) and
# expire after this long: a link left in a mailbox is a key to the account.
PASSWORD_RESET_TIMEOUT = env_int("TRACELAB_RESET_LINK_SECONDS", 3600, minimum=60)

# Email (password reset links only): printed on the web server's standard output unless
# an SMTP server is named, so a single-machine run works without one.
TRACELAB_EMAIL_HOST = env_str("TRACELAB_EMAIL_HOST", "")
if TRACELAB_EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = TRACELAB_EMAIL_HOST
    EMAIL_USE_SSL = env_bool("TRACELAB_EMAIL_USE_SSL", False)
    EMAIL_USE_TLS = env_bool("TRACELAB_EMAIL_USE_TLS", not EMAIL_USE_SSL)
    if EMAIL_USE_SSL and EMAIL_USE_TLS:
        # Django would only refuse at the first send, with a student waiting.
        raise ImproperlyConfigured(
            "TRACELAB_EMAIL_USE_TLS and TRACELAB_EMAIL_USE_SSL exclude each other"
        )
    EMAIL_PORT = env_int("TRACELAB_EMAIL_PORT", 465 if EMAIL_USE_SSL else 587, minimum=1)
    EMAIL_HOST_USER = env_str("TRACELAB_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("TRACELAB_EMAIL_HOST_PASSWORD", "")
    # The request that sends waits on the server: a stalled one must not hold a web
    # thread for ever.
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("TRACELAB_EMAIL_FROM", "TraceLab <noreply@localhost>")

# LTI 1.3 (lti/): how long a call to a learning platform (its keys, tokens, grade book,
# roster) may take before it counts as failed, so a stalled platform never holds a web
# thread or a worker.
TRACELAB_LTI_TIMEOUT_SECONDS = env_int("TRACELAB_LTI_TIMEOUT_SECONDS", 10, minimum=1)

# Submissions.
TRACELAB_SUBMISSION_MAX_BYTES = env_int("TRACELAB_SUBMISSION_MAX_BYTES", 65536, minimum=1)
TRACELAB_SUBMISSIONS_PER_MINUTE = env_int("TRACELAB_SUBMISSIONS_PER_MINUTE", 12, minimum=1)

# Pages waiting on a change (a verdict, a validation, a regrade) follow it on a
# server-sent event stream (live/): read again this often even when nothing was
# announced, and ended after this long (the browser reconnects at once).
TRACELAB_LIVE_RESYNC_SECONDS = env_int("TRACELAB_LIVE_RESYNC_SECONDS", 10, minimum=1)
TRACELAB_LIVE_STREAM_SECONDS = env_int("TRACELAB_LIVE_STREAM_SECONDS", 300, minimum=1)
# Threads each web process serves pages and the API with: requests it works on at once;
# the others wait their turn, reads first (coursesite/asgi.py, coursesite/asgi_gate.py).
TRACELAB_WEB_CONCURRENCY = env_int("TRACELAB_WEB_CONCURRENCY", 1, minimum=1)
# The sweep (services/recovery.py) runs this often. It re-sends rows whose worker or
# message it knows to be lost at once, and any row still queued after
# TRACELAB_RESEND_QUEUED_SECONDS whatever the reason (a send that failed while the
# broker was briefly unreachable).
TRACELAB_SWEEP_SECONDS = env_int("TRACELAB_SWEEP_SECONDS", 3, minimum=1)
TRACELAB_RESEND_QUEUED_SECONDS = env_int("TRACELAB_RESEND_QUEUED_SECONDS", 120, minimum=10)
TRACELAB_BANK_DIR = BASE_DIR / "exercises" / "bank"

# JSON escaping can grow code up to six times (\uXXXX), so the request limit leaves
# room for that; anything larger is refused before it is read into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, 6 * TRACELAB_SUBMISSION_MAX_BYTES + 16_384)

# Celery: Redis as broker only; results live in the database, not in a result backend.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only after it ran, and handed back if its worker dies, so a
# crash loses no submission; one task per worker process at a time keeps queues fair.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With late acknowledgement a fetched message stays in Redis's "unacked" set until its
# task ends; a worker that dies leaves its messages there, and Redis hands them out
# again only after the visibility timeout. The timeout must exceed the longest a live
# worker keeps a message (one grading waiting behind another in the same process, at
# most two wall limits of 30 s plus reference preparation), or slow gradings would
# be delivered twice (harmless, since only one claim wins, but wasted). It need not be
# short: the sweep re-sends a dead worker's rows within seconds from the worker
# registry, so this is only the last resort when Redis is all there is.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("TRACELAB_VISIBILITY_TIMEOUT", 300, minimum=60),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
# Each queue gets its own exchange and routing key; a bare Queue("gpu") would be bound
# to the default (cpu) exchange and receive copies of every cpu message.
# The housekeeping queue carries the sweep: consumed by every worker beside its grading
# queue, so a sweep never waits behind a deadline's backlog of gradings.
CELERY_TASK_QUEUES = (
    Queue("cpu", Exchange("cpu", type="direct"), routing_key="cpu"),
    Queue("gpu", Exchange("gpu", type="direct"), routing_key="gpu"),
    Queue("housekeeping", Exchange("housekeeping", type="direct"), routing_key="housekeeping"),
)
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_TASK_DEFAULT_EXCHANGE = "cpu"
CELERY_TASK_DEFAULT_ROUTING_KEY = "cpu"
# The row is the source of truth; the sweep re-sends rows whose message or worker was
# lost (exercises/services/recovery.py). It is idempotent, so more than one beat is
# harmless. A sweep that waited longer than its own period is dropped: the next one is
# already on its way.
CELERY_BEAT_SCHEDULE = {
    "recover-submissions": {
        "task": "exercises.tasks.recover_submissions",
        "schedule": float(TRACELAB_SWEEP_SECONDS),
        "options": {"queue": "housekeeping", "expires": float(TRACELAB_SWEEP_SECONDS)},
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's consumer, made to survive a broker restart with tasks in flight (see there).
CELERY_WORKER_CONSUMER = "coursesite.celery_consumer:Consumer"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Logs: one JSON object a line on stderr (TRACELAB_LOG_FORMAT=text for people), each
# carrying the request, task and submission it is about (coursesite/logs.py).
TRACELAB_LOG_FORMAT = env_str("TRACELAB_LOG_FORMAT", "json", choices=logs.FORMATS)
TRACELAB_LOG_LEVEL = env_str("TRACELAB_LOG_LEVEL", "INFO").upper()
if TRACELAB_LOG_LEVEL not in logs.LEVELS:
    raise ImproperlyConfigured(
        f"TRACELAB_LOG_LEVEL must be one of {', '.join(logs.LEVELS)}, got {TRACELAB_LOG_LEVEL!r}"
    )
LOGGING = logs.logging_config(format=TRACELAB_LOG_FORMAT, level=TRACELAB_LOG_LEVEL)

# Operations (coursesite/health.py, coursesite/metrics.py). /healthz wants a live worker
# on each of these queues.
TRACELAB_EXPECTED_QUEUES = env_list("TRACELAB_EXPECTED_QUEUES", "cpu,housekeeping")
_unknown_queues = set(TRACELAB_EXPECTED_QUEUES) - {queue.name for queue in CELERY_TASK_QUEUES}
if _unknown_queues:
    raise ImproperlyConfigured(
        f"TRACELAB_EXPECTED_QUEUES names unknown queues: {', '.join(sorted(_unknown_queues))}"
    )
# /metrics answers a request bearing this token; without one, only clients on these
# networks (the defaults: loopback and private ranges, where Prometheus runs beside the
# service; behind a reverse proxy on such a network, set the token or block /metrics
# at the proxy).
TRACELAB_METRICS_TOKEN = env_str("TRACELAB_METRICS_TOKEN", "")
try:
    TRACELAB_METRICS_NETWORKS = [
        ipaddress.ip_network(network)
        for network in env_list(
            "TRACELAB_METRICS_NETWORKS",
            "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
        )
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"TRACELAB_METRICS_NETWORKS: {exc}") from None
# Other programs' metrics directories on this machine that /metrics adds to the web
# server's own (./tracelab run: the worker's).
TRACELAB_METRICS_EXTRA_DIRS = env_list("TRACELAB_METRICS_EXTRA_DIRS", "")
# [ADDRESS:]PORT where a worker's main process serves its own /metrics (off when empty).
TRACELAB_WORKER_METRICS_LISTEN = env_str("TRACELAB_WORKER_METRICS_LISTEN", "")
if TRACELAB_WORKER_METRICS_LISTEN and not re.fullmatch(
    r"(?:[^:\s]+:|\[[0-9A-Fa-f:.]+\]:)?[0-9]{1,5}", TRACELAB_WORKER_METRICS_LISTEN
):
    raise ImproperlyConfigured(
        "TRACELAB_WORKER_METRICS_LISTEN must be PORT or ADDRESS:PORT, "
        f"got {TRACELAB_WORKER_METRICS_LISTEN!r}"
    )
