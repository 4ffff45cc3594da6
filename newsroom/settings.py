"""Settings for the newsroom project, read from the environment in this one place.

Every variable is documented in `.env.example`. Development works with no
environment at all; production refuses to start without a SECRET_KEY.
"""

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured as missing:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or .env), "
            "or set DEBUG=1 for local development."
        ) from missing

# ".localhost" is localhost and every name under it (zonapriangan.localhost: the demo network).
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[".localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

ADMIN_URL = env("ADMIN_URL", default="admin/")
# The network's default site, made by migration 0010 (and again whenever it is missing):
# more sites are added in the admin (Situs). Hosts that name no site get a 404.
SITE_NAME = env("SITE_NAME", default="Zona Priangan")
SITE_DOMAIN = env("SITE_DOMAIN", default="localhost")
SITE_DATELINE = env("SITE_DATELINE", default="ZONA PRIANGAN")
SITE_ALIASES = env.list("SITE_ALIASES", default=["127.0.0.1", "[::1]"])
# The desk's name in the admin header, for the whole network.
NEWSROOM_NAME = env("NEWSROOM_NAME", default="Redaksi Zona Priangan")
TERKINI_COUNT = env.int("TERKINI_COUNT", default=10)
TERPOPULER_COUNT = env.int("TERPOPULER_COUNT", default=5)
POPULAR_WINDOW_DAYS = env.int("POPULAR_WINDOW_DAYS", default=7)

# Speed at scale (README "Production"): how stale a reader's page may be, how often
# Terpopuler is recomputed, how views are de-duplicated and flushed from Redis.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 60)
POPULAR_REFRESH_SECONDS = env.int("POPULAR_REFRESH_SECONDS", default=60)
VIEW_DEDUPE_SECONDS = env.int("VIEW_DEDUPE_SECONDS", default=1800)
# The views one address counts at most: of one story per VIEW_DEDUPE_SECONDS, in all per hour.
VIEW_LIMIT_PER_STORY = env.int("VIEW_LIMIT_PER_STORY", default=3)
VIEW_LIMIT_PER_HOUR = env.int("VIEW_LIMIT_PER_HOUR", default=60)
VIEW_FLUSH_SECONDS = env.int("VIEW_FLUSH_SECONDS", default=10)
# The edge cache (Varnish, deploy/varnish/newsroom.vcl): how long it may keep a reader's
# page (never past the site's next scheduled story; 0: no edge, browsers and proxies
# keep nothing), where to send purges (each Varnish's address, e.g.
# http://127.0.0.1:6081/), how often a failed purge is tried.
EDGE_CACHE_SECONDS = env.int("EDGE_CACHE_SECONDS", default=0)
EDGE_PURGE_URLS = env.list("EDGE_PURGE_URLS", default=[])
# Sent with every purge (Purge-Secret); the edge's purge_secret.vcl holds the same.
EDGE_PURGE_SECRET = env("EDGE_PURGE_SECRET", default="")
if EDGE_PURGE_URLS and not EDGE_PURGE_SECRET and not DEBUG:
    raise ImproperlyConfigured(
        'EDGE_PURGE_SECRET is not set: the edge refuses purges without it (README "The edge").'
    )
EDGE_PURGE_ATTEMPTS = env.int("EDGE_PURGE_ATTEMPTS", default=8)
# Background work (each task beside its work; articles/queue.py): "immediate" runs each
# task in the request that asks for it (no worker needed); "database" queues it for
# `manage.py db_worker`.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASK_BACKEND = env("TASK_BACKEND", default="immediate")
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASK_BACKEND={TASK_BACKEND!r}: use one of {', '.join(TASK_BACKENDS)}."
    )
# Queues: "edge" for purges (a worker of its own, so no rendition ever delays a
# withdrawal at the edge), "default" for the rest (deploy/Procfile).
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default", "edge"]}}
# A task RUNNING this long is taken to have lost its worker (killed, its machine gone) and is
# queued again (articles.queue.requeue_abandoned); the slowest task takes about 10 s.
TASK_LEASE_SECONDS = env.int("TASK_LEASE_SECONDS", default=300)
# ...and after this many starts it fails for good, logged, rather than kill worker after worker.
TASK_ATTEMPTS = env.int("TASK_ATTEMPTS", default=3)
# How often an open live report asks for new updates (its JSON is cached like a page).
LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=30)
# A search whose ranking takes longer is stopped and the reader asked for other words.
SEARCH_TIMEOUT_MS = env.int("SEARCH_TIMEOUT_MS", default=500)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "axes",
    "django_tasks",
    # Before django_tasks_db: its `db_worker` command is the one Django runs (the first
    # app with a command of that name wins), the library's worker made to last.
    "articles",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost: every reader's response says how long the edge may keep it (the HTTPS
    # redirect and page-cache hits too), worked out when it is sent.
    "articles.delivery.headers.CacheControlMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.delivery.pages.PublicPageCacheMiddleware",
    "articles.network.SiteMiddleware",
    # Inside it: a page's tags are kept with the page.
    "articles.delivery.headers.TagsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the site has one language, and its Vary: Accept-Language
    # would make each value a reader sends a copy of the page at the edge.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.readers.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A list page's query ran in under 1 ms and took PostgreSQL 1-5 ms to plan, on every
    # request. Server-side binding lets psycopg prepare a statement it has run 5 times on
    # a connection, so each worker's connection plans it once. Set it to 0 behind a
    # pooler in transaction mode (PgBouncer before 1.21), which cannot keep them.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://newsroom")}
# Part of every key: raised when what the cache holds changes class path. 2: the modules
# moved into wings, so objects pickled by the release before (a photo's renditions, the
# navigation's kanal) name classes this one lacks; during a rolling deploy neither reads
# the other's entries.
CACHES["default"]["VERSION"] = 2
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # A Redis outage makes pages slower, never failing: errors are logged and read as misses.
    CACHES["default"]["OPTIONS"] = {
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": 1,
        "SOCKET_TIMEOUT": 1,
        **CACHES["default"].get("OPTIONS", {}),
    }
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "newsroom.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one
# account from one address, that address may not try that account for
# LOGIN_LOCKOUT_MINUTES (others can: nobody locks an editor out from elsewhere).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_address"
# No "AXES: BEGIN version ..." line at the start of every command and server; failed and
# successful logins are still logged.
AXES_VERBOSE = False

# An editor's login lasts one working shift and ends when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Editors sign in on the desk's login page, and land on its index unless sent elsewhere.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
CSRF_COOKIE_HTTPONLY = True

# Served over HTTPS (the default in production): cookies only over HTTPS, and HSTS.
# Behind a proxy that terminates TLS, set BEHIND_HTTPS_PROXY=1 so requests count as secure.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60) if HTTPS else 0
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Our own proxies (edge, load balancer, TLS terminator), as networks: only from them is
# X-Forwarded-For believed, for the reader's address (newsroom.security.client_address).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.0/8", "::1/128"])
for network in TRUSTED_PROXIES:
    try:
        ip_network(network, strict=False)
    except ValueError as invalid:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {invalid}") from invalid
# Plain HTTP is redirected, and HSTS covers subdomains and asks for preloading.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
# Probes (the edge's, the load balancer's) ask over plain HTTP and need a 200.
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^healthz$"]
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
# Django's defaults, stated because the site relies on them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# The site's own pages and Django's admin run no inline script or style: only files we serve.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Notification e-mail (README "The editors' desk"): printed to the console in development;
# in production an SMTP server, e.g. smtp+tls://user:password@smtp.example.id:587.
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="redaksi@localhost")
# Seconds an SMTP server may keep a notification waiting: one that accepted the
# connection and never answered held its task worker forever (Django waits without end).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded photos: largest file and largest picture accepted (articles.media.images).
# A 100 MP PNG straight from a camera's raw converter is 150-200 MB.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=200 * 2**20)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=100_000_000)
# The originals as uploaded, kept for re-crops and the record: never under MEDIA_URL.
PHOTO_ORIGINALS_ROOT = env.path("PHOTO_ORIGINALS_ROOT", default=BASE_DIR / "originals")
# ...its longest side, and how many times its short side the long one may be (1:20).
PHOTO_MAX_SIDE = env.int("PHOTO_MAX_SIDE", default=20_000)
PHOTO_MAX_ASPECT = env.int("PHOTO_MAX_ASPECT", default=20)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # No public address (its url() refuses), and nothing serves its folder.
    "originals": {
        "BACKEND": "articles.media.images.PrivateFileSystemStorage",
        "OPTIONS": {"location": PHOTO_ORIGINALS_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Photos and their renditions: on local disk under MEDIA_ROOT by default (one server, or
# one volume mounted on every server); in an S3-compatible bucket (AWS S3, MinIO, Ceph,
# Wasabi...) when MEDIA_S3_BUCKET is set, shared by every app server of the network.
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default=None),
            "region_name": env("MEDIA_S3_REGION", default=None),
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY", default=None),
            # Readers' browsers fetch photos from here (the bucket's CDN or public host).
            "custom_domain": env("MEDIA_S3_CUSTOM_DOMAIN", default=None),
            "url_protocol": env("MEDIA_S3_URL_PROTOCOL", default="https:"),
            "querystring_auth": False,  # public photos: stable URLs the edge can keep
            "file_overwrite": False,
        },
    }
    # The same bucket under a private prefix: the objects are private (no public ACL)
    # and only reachable with signed, short-lived URLs; the bucket policy that makes
    # photos public must name the other prefixes only.
    STORAGES["originals"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "location": "originals",
            "default_acl": "private",
            "custom_domain": None,
            "querystring_auth": True,
        },
    }

TAGGIT_CASE_INSENSITIVE = True

# Embeds (articles.media.embeds): Instagram's and Facebook's oEmbed need a Meta app's
# token ("APP_ID|CLIENT_TOKEN"); without it their embeds are link cards.
META_OEMBED_TOKEN = env("META_OEMBED_TOKEN", default="")
# Fetches from outside (articles.outside) never reach our own networks (loopback, private,
# link-local) unless the host is named here, e.g. the newsroom's own WordPress.
FETCH_INTERNAL_HOSTS = env.list("FETCH_INTERNAL_HOSTS", default=[])


# Logs go to standard error, from servers and commands alike: what a command prints on
# standard output is its result (`exportseed SLUG > story.txt` writes the story alone).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        },
        "server": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "server",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler would print each of its messages a second time
        # under DEBUG: they reach the one above instead, at LOG_LEVEL.
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        # runserver's request lines, as Django prints them.
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}
