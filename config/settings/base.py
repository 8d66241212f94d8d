"""Settings shared by every environment.

Every host, secret and service address comes from the environment; the
defaults suit a developer's machine where the services run on loopback.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SHARED_DIR = Path(os.environ.get("TTCS_SHARED_DIR", BASE_DIR.parent / "shared"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# The repository's key is public: only tests may run on it. `make run` makes
# .local/secret_key (scripts/secret_key.py) and every command started here
# reads it; production refuses to start with this default (production.py).
INSECURE_SECRET_KEY = "dev-only-not-secret"
_LOCAL_SECRET_KEY = BASE_DIR / ".local" / "secret_key"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    _LOCAL_SECRET_KEY.read_text().strip()
    if _LOCAL_SECRET_KEY.exists()
    else INSECURE_SECRET_KEY
)
DEBUG = env_bool("DJANGO_DEBUG", False)

# Every unit lives on <slug>.<BASE_DOMAIN>; the platform itself on BASE_DOMAIN.
BASE_DOMAIN = os.environ.get("BASE_DOMAIN", "localhost")
# The port people reach the sites on (80 behind a proxy; 8000 for make run).
PUBLIC_PORT = int(os.environ.get("PUBLIC_PORT", "80"))
ALLOWED_HOSTS = os.environ.get(
    "DJANGO_ALLOWED_HOSTS", f".{BASE_DOMAIN},{BASE_DOMAIN},127.0.0.1,testserver"
).split(",")

# --- apps -----------------------------------------------------------------
# The public schema is the platform: the registry of units and the tables
# that cross units. Wagtail is there too, for the platform site and the
# officers' admin. Each unit's schema holds its own content, users and
# sessions.
WAGTAIL_APPS = [
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
]

DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

SHARED_APPS = [
    # tenants first: its migrate_schemas/migrate commands replace
    # django-tenants' own (skip schemas already up to date).
    "tenants",
    "django_tenants",
    # Shared vocabulary (priorities, slugs, pipelines, rate limits, scoped admin).
    "base",
    "cms",
    "themes",
    # Cross-unit apps: their tables live in the public schema only.
    "syndication",
    "search",
    "engage",
    "bulletins",
    "signage",
    "broadcast",
    "reports",
    "alerts",
    "api",
    "corsheaders",
    "central",
    "social",
    "pwa",
    "rest_framework",
    "drf_spectacular",
    "csp",
    # Log-in lockout (counters in the tenant-keyed cache: per unit schema).
    "axes",
    *WAGTAIL_APPS,
    *DJANGO_APPS,
]

TENANT_APPS = [
    "cms",
    "themes",
    *WAGTAIL_APPS,
    *DJANGO_APPS,
]

INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))

TENANT_MODEL = "tenants.Unit"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New units are cloned from this migrated schema instead of migrating each.
TENANT_BASE_SCHEMA = "unit_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
DEFAULT_NOT_FOUND_TENANT_VIEW = "tenants.views.unknown_host"
# Each web process keeps host -> unit for this long (tenants.middleware).
UNIT_LOOKUP_SECONDS = int(os.environ.get("UNIT_LOOKUP_SECONDS", "30"))

DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

MIDDLEWARE = [
    # A board's "anything new?" poll answered 304 from Redis before the tenant
    # lookup (signage/middleware.py); everything else passes straight through.
    "signage.middleware.ManifestNotModifiedMiddleware",
    "tenants.middleware.UnitMainMiddleware",
    # Readers' pages from the unit's page cache, with one Redis round trip,
    # before everything else (a stored page carries the headers the rest of
    # the stack gave it).
    "cms.cache.PageCacheMiddleware",
    # /api/ answers browsers on the province's own sites (django-cors-headers,
    # the units' own domains added by api/cors.py).
    "corsheaders.middleware.CorsMiddleware",
    # The unit's site, locales, settings and menu kept per process (cms.memo).
    "cms.memo.UnitMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Its header is stored with a cached page (cms.cache) like every other.
    "base.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL bytes in the path, a parameter, a cookie or a JSON body: 400.
    "base.middleware.RejectBadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Answers a locked-out log-in with the Vietnamese 429 (base/views.py).
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "tenants.context_processors.current_unit",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- services ---------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ttcs")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# django-tenants' backend with a content-type cache per schema (base/db/base.py).
DATABASES["default"]["ENGINE"] = "base.db"
# django-tenants sets search_path once per schema switch instead of before
# every query (half of an uncached page's queries); it forgets it on rollback.
TENANT_LIMIT_SET_CALLS = env_bool("TENANT_LIMIT_SET_CALLS", True)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# base.redis: seconds the platform client waits (state callers need) ...
REDIS_SOCKET_TIMEOUT = 5.0
# ... and the fast client waits (best-effort caches: a slow Redis is a miss).
REDIS_FAST_TIMEOUT = 0.2
MQTT_URL = os.environ.get("MQTT_URL", "mqtt://127.0.0.1:1883")
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# The cross-unit index (search/): PostgreSQL unless Elasticsearch is given.
SEARCH_BACKEND = os.environ.get(
    "SEARCH_BACKEND",
    "search.backends.elasticsearch.ElasticsearchBackend"
    if ELASTICSEARCH_URL
    else "search.backends.postgres.PostgresBackend",
)
SEARCH_ELASTICSEARCH_INDEX = os.environ.get("SEARCH_ELASTICSEARCH_INDEX", "ttcs-search")
# Elasticsearch: refresh after every write (tests; slow in production).
SEARCH_ELASTICSEARCH_REFRESH = False
# Index in the request instead of a Celery task (a demo without a worker).
SEARCH_INDEX_SYNC = env_bool("SEARCH_INDEX_SYNC", False)
# Seconds a result page stays in Redis (search/cache.py); 0 turns it off.
SEARCH_CACHE_SECONDS = int(os.environ.get("SEARCH_CACHE_SECONDS", "60"))
# PostgreSQL backend planning (docs/search.md): scopes of up to this many
# schemas go into the tsquery as lexemes ...
SEARCH_SCOPE_LEXEMES = 40
# ... a broad query ranks at most this many candidates ...
SEARCH_BROAD_CANDIDATES = 300
# ... a query is broad above this many matches (None: computed from the table) ...
SEARCH_BROAD_THRESHOLD = None
# ... where walking the index costs this many times reading a match.
SEARCH_WALK_COST_RATIO = 4

# Every cache key carries the schema (django-tenants' make_key), renditions
# included: Wagtail caches site root paths and renditions under global keys.
CACHES = {
    alias: {
        # One redis.Redis client per server, not one per call (base/cache/redis.py).
        "BACKEND": "base.cache.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ttcs"),
        "TIMEOUT": 300,
    }
    for alias in ("default", "renditions")
}


def redis_database(url, number):
    """``url`` with its database number replaced (redis://host:port/N)."""
    base, _, last = url.rstrip("/").rpartition("/")
    return f"{base}/{number}" if last.isdigit() else f"{url.rstrip('/')}/{number}"


# The broker has a Redis database of its own: the cache (REDIS_URL) may be
# flushed or evicted (maxmemory + allkeys-lru) without losing queued tasks,
# and page copies cannot crowd out the queue.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", redis_database(REDIS_URL, 1))
CELERY_RESULT_BACKEND = os.environ.get(
    "CELERY_RESULT_BACKEND", redis_database(REDIS_URL, 2)
)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "ttcs")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "cms-publish-scheduled": {
        "task": "cms.tasks.publish_scheduled_pages",
        "schedule": 60.0,
    },
    "platform-heartbeat": {
        "task": "tenants.tasks.record_heartbeat",
        "schedule": 60.0,
    },
    # Bulletins whose fan-out message was lost (broker down) are sent anyway.
    "bulletins-drain-outbox": {
        "task": "bulletins.tasks.drain_outbox",
        "schedule": 60.0,
    },
    "bulletins-expire": {
        "task": "bulletins.tasks.expire_deliveries",
        "schedule": 300.0,
    },
    # Periodic reports due soon or overdue: one notice and e-mail a day each.
    "reports-reminders": {
        "task": "reports.tasks.send_report_reminders",
        "schedule": float(os.environ.get("REPORTS_REMINDER_SECONDS", "3600")),
    },
}

# --- auth and sessions --------------------------------------------------------
# Users and sessions live in each unit's schema; cookies are host-only
# (no SESSION_COOKIE_DOMAIN), so a login on one unit never reaches another.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LOGIN_URL = "/admin/login/"

# Log-in throttling (django-axes): 5 wrong passwords for one user name from
# one client address lock that pair out for 15 minutes, on every log-in form
# (unit admin, platform admin, /_util/login/). Counters live in the default
# cache, whose keys carry the schema, so each unit counts its own; the
# address is the real client behind the proxy (base.ratelimit).
AUTHENTICATION_BACKENDS = [
    "base.security.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "base.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "base.views.login_locked_out"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- language and time ------------------------------------------------------------
LANGUAGE_CODE = "vi"
# Vietnamese date/time formats, shown and typed (config/formats/vi).
FORMAT_MODULE_PATH = ["config.formats"]
# The admin's date pickers write and read the same dd/mm/yyyy.
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# Wagtail 8's autosave posts the editor's form in the background (every
# 500 ms of changes, its default). One that landed just after "Duyệt và xuất
# bản" wrote a stale copy over the published page (ux B2); cms/admin_edit.py
# now runs a page's saves one at a time and refuses an autosave made before
# the page was published. 0 turns autosave off.
WAGTAIL_AUTOSAVE_INTERVAL = int(os.environ.get("WAGTAIL_AUTOSAVE_INTERVAL", "500"))
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGES = [
    ("vi", "Tiếng Việt"),
    ("km", "ភាសាខ្មែរ (Khmer)"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
# Translations are drafts that go through the unit's review workflow, even of
# a live page (wagtail-localize would publish them at once): cms/localize.py.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- static and media ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Media is stored per tenant: MEDIA_ROOT/<schema>/...; code running outside a
# unit writes under MEDIA_ROOT/public/.
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "TTCS"
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"http://{BASE_DOMAIN}:8000"
)
WAGTAILSEARCH_BACKENDS = {
    # Wagtail's own search stays per schema on the database backend;
    # the cross-unit index lives in search/.
    "default": {"BACKEND": "wagtail.search.backends.database"}
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "txt", "zip"]
# The file's content must match its extension (base.uploads), not only its name.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.CheckedDocumentForm"
# Documents only through Wagtail's view, which checks collection privacy and
# sends nosniff + a CSP; never straight from /media/ (tenants.views.unit_media).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Nothing loads from outside the server: no avatars from gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Decoding cost grows with pixels: 24 MP covers cameras and phones, a 36 MP
# image (4 s of a web thread, 110 MB) is refused.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 24_000_000
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Slugs without diacritics ("duong-lang", not "đường-làng").
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Per-unit page cache for anonymous readers (cms.cache).
CMS_PAGE_CACHE = env_bool("CMS_PAGE_CACHE", True)
# Seconds a page stays in that cache (a publish invalidates it at once).
CMS_PAGE_CACHE_TIMEOUT = int(os.environ.get("CMS_PAGE_CACHE_TIMEOUT", "600"))
# cms.memo: a unit's site, locales, settings and menu kept in each web
# process (until the unit's next save, at most this many seconds), for the
# units served last.
CMS_UNIT_MEMO_SECONDS = int(os.environ.get("CMS_UNIT_MEMO_SECONDS", "300"))
CMS_UNIT_MEMO_UNITS = int(os.environ.get("CMS_UNIT_MEMO_UNITS", "500"))
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"}
}

# Sections a commune site must have (Nghị định 42/2022): slug, title.
UNIT_HOME_SECTIONS = [
    ("gioi-thieu", "Giới thiệu"),
    ("tin-tuc", "Tin tức"),
    ("van-ban", "Văn bản"),
    ("thong-bao", "Thông báo"),
    ("hoi-dap", "Hỏi đáp"),
    ("lien-he", "Liên hệ"),
]
UNIT_EDITOR_GROUP = "Biên tập viên"
UNIT_APPROVER_GROUP = "Người duyệt"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- security headers (base.security, docs/SECURITY.md) ------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
_CSP_COMMON = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
    "worker-src": ["'self'"],
}
# Boards' event streams run in their own ASGI process (signage/events.py).
# Behind the proxy it has the site's origin; without one (make run) it
# listens on SIGNAGE_EVENTS_PORT and players are sent there.
SIGNAGE_EVENTS_PORT = os.environ.get("SIGNAGE_EVENTS_PORT", "")
# Seconds one stream of that process stays open (it costs a coroutine, not a
# thread); it still ends now and then so a revoked token is noticed.
SIGNAGE_ASYNC_SSE_SECONDS = float(os.environ.get("SIGNAGE_ASYNC_SSE_SECONDS", "300"))
# Open event streams one board may hold at once (a second for a reconnect
# that overlaps the old stream's end); more answer 429.
SIGNAGE_STREAMS_PER_BOARD = int(os.environ.get("SIGNAGE_STREAMS_PER_BOARD", "2"))
if SIGNAGE_EVENTS_PORT:
    _CSP_COMMON["connect-src"] = [
        "'self'",
        f"http://{BASE_DOMAIN}:{SIGNAGE_EVENTS_PORT}",
        f"http://*.{BASE_DOMAIN}:{SIGNAGE_EVENTS_PORT}",
    ]
# Public sites: no inline script or style, nothing from outside the server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-src": ["'self'"],
    }
}
# The admin: Wagtail's own inline scripts and styles, still only this origin.
CSP_ADMIN_PATH_PREFIXES = ["/admin/"]
CSP_ADMIN_DIRECTIVES = {
    **_CSP_COMMON,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "frame-src": ["'self'"],
}

# --- rate limits of public views (base/ratelimit.py) ---------------------------
# Who a client is: a django-ratelimit key ("ip", "user") or the dotted path of a
# (group, request) -> str function. The default is the real client address
# behind the trusted proxies (base.ratelimit.client_address).
RATELIMIT_KEY = os.environ.get("RATELIMIT_KEY", "base.ratelimit.client_ip")
# Reverse proxies in front of the app that append the client's address to
# X-Forwarded-For (deploy/Caddyfile: 1, set in production.py); 0 means
# REMOTE_ADDR is the client. The header is believed only from these networks.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXY_NETWORKS = os.environ.get(
    "TRUSTED_PROXY_NETWORKS",
    "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
).split(",")
# Every rate, by group: "count/period" (s, m, h, d; "5/10m" is 5 per 10 minutes).
RATELIMITS = {
    # cms: the contact page's form (POST only).
    "cms.contact": os.environ.get("CMS_CONTACT_RATE", "5/10m"),
    # search: pages, autocomplete, legal lookup and the JSON API share one count.
    "search": os.environ.get("SEARCH_RATELIMIT", "120/m"),
    # engage: every citizen form (question, feedback, survey, rating; POST only).
    "engage.form": os.environ.get("ENGAGE_RATELIMIT", "5/m"),
    # engage: opening tracking codes (question, feedback, look-up page; GET).
    "engage.lookup": os.environ.get("ENGAGE_LOOKUP_RATE", "30/m"),
    # engage: answers to one survey from one address (on top of the signed
    # single-use ballot and the cookie; households and mobile carriers share
    # addresses, so not 1).
    "engage.survey_answer": os.environ.get("ENGAGE_SURVEY_RATE", "10/h"),
    # signage: a screen asking for a pairing code, and polling its state.
    "signage.pair_start": "20/m",
    "signage.pair_status": "60/m",
    # broadcast: the citizens' listen-back page.
    "broadcast.listen_back": "120/m",
    # Live streams: a start or stop per press; a chunk every 500 ms.
    "broadcast.stream_start": "20/m",
    "broadcast.stream_chunk": "600/m",
    # api: anonymous reading, per address (a key has its own rate, ApiKey.rate);
    # what anonymous clients send counts against "engage.form" like the forms.
    "api": os.environ.get("API_RATELIMIT", "120/m"),
    # pwa: a phone subscribing to or leaving a unit's alerts.
    "pwa.subscribe": os.environ.get("PWA_SUBSCRIBE_RATE", "20/m"),
}

# --- API v1 (DRF + drf-spectacular for the one OpenAPI document; api/) -------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Keys of machine clients (api.models.ApiKey); no key: anonymous, public rates.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.ApiRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TTCS API",
    "DESCRIPTION": (
        "API mở của Hệ thống thông tin cơ sở: tin bài, thông báo, văn bản, "
        "thông tin nguồn, hỏi đáp, phản ánh kiến nghị, khảo sát, nghe lại. Mỗi "
        "thao tác làm việc với đơn vị của địa chỉ được gọi. Khóa API (tùy chọn): "
        "tiêu đề Authorization: ApiKey <khóa>."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}
# django-cors-headers, for /api/ only: the platform host and every unit host
# (BASE_DOMAIN and its subdomains, default port or PUBLIC_PORT), the listed
# origins (API_CORS_ORIGINS, comma-separated: another portal of the province),
# and (api/cors.py) the hostnames of the units' Domain table. No credentials:
# the API reads no cookie.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = [
    o.strip() for o in os.environ.get("API_CORS_ORIGINS", "").split(",") if o.strip()
]
CORS_ALLOWED_ORIGIN_REGEXES = [
    rf"^https?://([a-z0-9-]+\.)*{re.escape(BASE_DOMAIN.lower())}"
    rf"(:(80|443|{PUBLIC_PORT}))?$"
]
CORS_ALLOW_METHODS = ("GET", "POST", "OPTIONS")
CORS_ALLOW_HEADERS = (
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "x-api-key",
)
CORS_PREFLIGHT_MAX_AGE = 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail's immediate tasks and page events log every step at INFO.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# --- engage: citizen questions, feedback, surveys (engage/, docs/engage.md) -------
# Days a unit has to settle a feedback (phản ánh) from its receipt.
ENGAGE_FEEDBACK_DEADLINE_DAYS = 15

# --- bulletins: essential information sent down (bulletins/, docs/bulletins.md) ---
# How long a delivery may stay unanswered, by priority, before it is overdue.
BULLETINS_OVERDUE_AFTER = {
    "emergency": timedelta(minutes=15),
    "priority": timedelta(hours=4),
    "normal": timedelta(hours=24),
}
# Largest attachment an officer may add to a bulletin.
BULLETINS_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# --- pwa: the citizen app and Web Push alerts (pwa/, docs/pwa.md) ---------------
# Latest articles and announcements (each) the service worker keeps offline.
PWA_OFFLINE_ITEMS = int(os.environ.get("PWA_OFFLINE_ITEMS", "10"))
# VAPID (RFC 8292): the private key as a PEM (production: from the
# environment), else this file, made on first use (pwa/vapid.py).
WEBPUSH_VAPID_PRIVATE_KEY = os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY", "")
WEBPUSH_VAPID_KEY_FILE = os.environ.get(
    "WEBPUSH_VAPID_KEY_FILE", str(BASE_DIR / ".local" / "vapid_private.pem")
)
# Who push services may contact about our messages (the JWT's "sub").
WEBPUSH_VAPID_SUBJECT = os.environ.get(
    "WEBPUSH_VAPID_SUBJECT", "mailto:quantri@ttcs.example.vn"
)
# Push services a subscription may point to (https, these names and their
# subdomains): the server POSTs to the endpoint, so it must not be any URL.
WEBPUSH_ENDPOINT_HOSTS = os.environ.get(
    "WEBPUSH_ENDPOINT_HOSTS",
    "fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com",
).split(",")
# Hosts reached over plain http (a local test endpoint); none in production.
WEBPUSH_INSECURE_HOSTS = [
    h for h in os.environ.get("WEBPUSH_INSECURE_HOSTS", "").split(",") if h
]
# Concurrent requests of one fan-out, and the timeout of each (seconds).
WEBPUSH_WORKERS = int(os.environ.get("WEBPUSH_WORKERS", "8"))
WEBPUSH_TIMEOUT = float(os.environ.get("WEBPUSH_TIMEOUT", "10"))

# --- signage: public boards (signage/, docs/signage.md) --------------------------
# Seconds one player event stream holds a worker thread before it reconnects.
SIGNAGE_SSE_SECONDS = int(os.environ.get("SIGNAGE_SSE_SECONDS", "25"))
# Seconds between a player's heartbeats (in its manifest); a board is offline
# after two missed heartbeats plus 30 s.
SIGNAGE_HEARTBEAT_SECONDS = 60
# Hours a screen's pairing request waits for an official to enter its code.
SIGNAGE_PAIRING_TTL_HOURS = float(os.environ.get("SIGNAGE_PAIRING_TTL_HOURS", "24"))
# The port the demo boards' player links name (make run serves on 8000).
DEMO_PORT = os.environ.get("DEMO_PORT") or os.environ.get("PORT", "8000")

# --- broadcast: speaker clusters over MQTT (broadcast/, docs/broadcast.md) -------
# Root of every MQTT topic (tests and each worktree use their own).
BROADCAST_TOPIC_ROOT = os.environ.get("BROADCAST_TOPIC_ROOT", "ttcs/v1")
BROADCAST_MQTT_USERNAME = os.environ.get("BROADCAST_MQTT_USERNAME", "")
BROADCAST_MQTT_PASSWORD = os.environ.get("BROADCAST_MQTT_PASSWORD", "")
# QoS 1 window of the platform's publisher (paho's default, 20, makes an
# emergency to 5,000 devices wait on 250 round trips); also written to the
# broker conf as max_inflight_messages (broker -> listener window).
BROADCAST_MQTT_MAX_INFLIGHT = int(os.environ.get("BROADCAST_MQTT_MAX_INFLIGHT", "1000"))
# The broker address devices are given at provisioning (their own listener,
# TLS in production); MQTT_URL is the platform's own listener.
BROADCAST_DEVICE_MQTT_URL = os.environ.get("BROADCAST_DEVICE_MQTT_URL", MQTT_URL)
# When this installation manages the broker's password/ACL files: where they
# are, and the broker's pid file (SIGHUP after every cluster change).
BROADCAST_MOSQUITTO_DIR = os.environ.get("BROADCAST_MOSQUITTO_DIR", "")
BROADCAST_MOSQUITTO_PID_FILE = os.environ.get("BROADCAST_MOSQUITTO_PID_FILE", "")
# Where devices download program audio: the platform's public address
# (BASE_DOMAIN and PUBLIC_PORT, the port people and devices reach).
BROADCAST_MEDIA_BASE_URL = os.environ.get(
    "BROADCAST_MEDIA_BASE_URL",
    f"http://{BASE_DOMAIN}" + ("" if PUBLIC_PORT == 80 else f":{PUBLIC_PORT}"),
)
# Audio links in commands are valid this long (a retry gets a fresh one).
BROADCAST_AUDIO_TOKEN_SECONDS = int(
    os.environ.get("BROADCAST_AUDIO_TOKEN_SECONDS", "3600")
)
BROADCAST_HEARTBEAT_SECONDS = 60
# The listener's MQTT client id: its persistent session. One process per id
# (a second one refuses to start); a second listener gets --client-id.
BROADCAST_LISTENER_CLIENT_ID = os.environ.get(
    "BROADCAST_LISTENER_CLIENT_ID", "ttcs-listener"
)
BROADCAST_ACK_TIMEOUT_SECONDS = int(os.environ.get("BROADCAST_ACK_TIMEOUT", "20"))
BROADCAST_MAX_ATTEMPTS = 5
BROADCAST_TTS_ENGINES = [
    "broadcast.speech.tts.EspeakEngine",
    "broadcast.speech.tts.PiperEngine",
]
# espeak-ng, by name on PATH or a full path (broadcast.W001 if missing).
BROADCAST_ESPEAK_BINARY = os.environ.get("BROADCAST_ESPEAK_BINARY", "espeak-ng")
BROADCAST_PIPER_BINARY = os.environ.get("BROADCAST_PIPER_BINARY", "")
# ffmpeg, by name on PATH or a full path: uploads and speech become small MP3s
# (without it they are kept as they came; broadcast.W002).
FFMPEG_BINARY = os.environ.get("FFMPEG_BINARY", "ffmpeg")
BROADCAST_PIPER_VOICES = {
    lang: os.environ[f"BROADCAST_PIPER_VOICE_{lang.upper()}"]
    for lang in ("vi", "km")
    if os.environ.get(f"BROADCAST_PIPER_VOICE_{lang.upper()}")
}
BROADCAST_TTS_MAX_CHARS = 5000
BROADCAST_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
BROADCAST_MAX_AUDIO_SECONDS = 3600
# A play report may claim the program's length plus this many seconds (plus
# 5 %) and still count toward hours aired (broadcast.services.plays).
BROADCAST_PLAY_MARGIN_SECONDS = 5
# A cluster silent for this long raises an alert to its commune and district
# (admin notice and e-mail), checked by beat every minute.
BROADCAST_OFFLINE_ALERT_MINUTES = int(
    os.environ.get("BROADCAST_OFFLINE_ALERT_MINUTES", "30")
)
# Each device gets its day's plan ahead (today and tomorrow, when changed).
CELERY_BEAT_SCHEDULE["broadcast-plans"] = {
    "task": "broadcast.tasks.send_plans",
    "schedule": float(os.environ.get("BROADCAST_PLAN_SECONDS", "600")),
}
CELERY_BEAT_SCHEDULE["broadcast-offline-alerts"] = {
    "task": "broadcast.tasks.alert_offline_clusters",
    "schedule": 60.0,
}
# Speech, uploads and streams reach devices as mono CBR MP3 at this rate
# (kbit/s, 32-64: small enough for 3G; checked by broadcast.E002).
BROADCAST_MP3_KBPS = int(os.environ.get("BROADCAST_MP3_KBPS", "48"))
# Live and relayed audio: ffmpeg pushes each stream to a mount of Icecast
# (ICECAST_URL, the address the platform reaches; scripts/services.py
# starts Debian's icecast2 and writes these); devices get
# BROADCAST_STREAM_BASE_URL/<mount>?t=<token>, the token checked by
# Icecast's URL authentication against /_icecast/auth/ while the stream is
# on the air.
ICECAST_URL = os.environ.get("ICECAST_URL", "http://127.0.0.1:58000")
ICECAST_SOURCE_PASSWORD = os.environ.get("ICECAST_SOURCE_PASSWORD", "")
# The streamer reads which mounts have audio from Icecast's admin pages.
ICECAST_ADMIN_PASSWORD = os.environ.get("ICECAST_ADMIN_PASSWORD", "")
BROADCAST_STREAM_BASE_URL = os.environ.get(
    "BROADCAST_STREAM_BASE_URL",
    f"http://{BASE_DOMAIN}:" + ICECAST_URL.rstrip("/").rsplit(":", 1)[-1],
)
# Longest a stream stays on the air (its command's expiry, its token's life).
BROADCAST_STREAM_MAX_SECONDS = int(
    os.environ.get("BROADCAST_STREAM_MAX_SECONDS", str(4 * 3600))
)
# A live take's chunk from the browser (MediaRecorder, every 500 ms).
BROADCAST_STREAM_CHUNK_BYTES = 256 * 1024
# Interrupts start and end on time on every board (the sweep also hands the
# worker timed pushes for the next 90 s).
CELERY_BEAT_SCHEDULE["signage-interrupt-boundaries"] = {
    "task": "signage.tasks.interrupt_boundaries",
    "schedule": float(os.environ.get("SIGNAGE_BOUNDARY_SWEEP_SECONDS", 30)),
}
CELERY_BEAT_SCHEDULE["broadcast-due-schedules"] = {
    "task": "broadcast.tasks.fire_due_schedules",
    "schedule": 30.0,
}
# CAP 1.2 in (alerts): upstream feeds read this often, with a timeout and a
# size cap per document.
CAP_POLL_SECONDS = float(os.environ.get("CAP_POLL_SECONDS", "120"))
CAP_FETCH_TIMEOUT = float(os.environ.get("CAP_FETCH_TIMEOUT", "10"))
CAP_MAX_FEED_BYTES = int(os.environ.get("CAP_MAX_FEED_BYTES", str(2 * 1024 * 1024)))
# Central exchange (central/, docs/central-exchange.md): the ministry's
# central source information system, through the adapter named here.
CENTRAL_EXCHANGE_BACKEND = os.environ.get(
    "CENTRAL_EXCHANGE_BACKEND", "central.backends.json_https.JsonHttpsExchange"
)
CENTRAL_EXCHANGE_URL = os.environ.get("CENTRAL_EXCHANGE_URL", "")
CENTRAL_EXCHANGE_SECRET = os.environ.get("CENTRAL_EXCHANGE_SECRET", "")
# Who we are to the central system (the province's code), and which province
# receives (empty: the platform's only province).
CENTRAL_EXCHANGE_PROVINCE = os.environ.get("CENTRAL_EXCHANGE_PROVINCE", "")
CENTRAL_EXCHANGE_SENDER = os.environ.get(
    "CENTRAL_EXCHANGE_SENDER", CENTRAL_EXCHANGE_PROVINCE or "ttcs"
)
# "draft": central information waits for the province's officers; "send": at once.
CENTRAL_EXCHANGE_INBOUND_POLICY = os.environ.get(
    "CENTRAL_EXCHANGE_INBOUND_POLICY", "draft"
)
CENTRAL_EXCHANGE_MAX_SKEW = int(os.environ.get("CENTRAL_EXCHANGE_MAX_SKEW", "300"))
CENTRAL_EXCHANGE_TIMEOUT = float(os.environ.get("CENTRAL_EXCHANGE_TIMEOUT", "10"))
CENTRAL_EXCHANGE_RETRY_SECONDS = int(
    os.environ.get("CENTRAL_EXCHANGE_RETRY_SECONDS", "60")
)
CENTRAL_EXCHANGE_RETRY_MAX = int(os.environ.get("CENTRAL_EXCHANGE_RETRY_MAX", "3600"))
CELERY_BEAT_SCHEDULE["central-deliver-outbox"] = {
    "task": "central.tasks.deliver_outbox",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["central-monthly-figures"] = {
    "task": "central.tasks.send_monthly_figures",
    "schedule": crontab(day_of_month="1", hour="6", minute="0"),
}
# Zalo OA per unit (social/, docs/zalo.md): Zalo's endpoints (a local
# stand-in in tests), retries, and the key the credentials are encrypted with
# (a Fernet key; empty: derived from SECRET_KEY).
ZALO_OAUTH_URL = os.environ.get(
    "ZALO_OAUTH_URL", "https://oauth.zaloapp.com/v4/oa/access_token"
)
ZALO_OPENAPI_URL = os.environ.get("ZALO_OPENAPI_URL", "https://openapi.zalo.me/v2.0")
ZALO_TIMEOUT = float(os.environ.get("ZALO_TIMEOUT", "15"))
ZALO_RETRY_SECONDS = int(os.environ.get("ZALO_RETRY_SECONDS", "120"))
ZALO_RETRY_MAX = int(os.environ.get("ZALO_RETRY_MAX", "3600"))
ZALO_MAX_ATTEMPTS = int(os.environ.get("ZALO_MAX_ATTEMPTS", "8"))
ZALO_DEFAULT_COVER_URL = os.environ.get("ZALO_DEFAULT_COVER_URL", "")
SOCIAL_CREDENTIALS_KEY = os.environ.get("SOCIAL_CREDENTIALS_KEY", "")
CELERY_BEAT_SCHEDULE["social-zalo-post-due"] = {
    "task": "social.tasks.post_due",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["alerts-poll-cap-sources"] = {
    "task": "alerts.tasks.poll_cap_sources",
    "schedule": CAP_POLL_SECONDS,
}
CELERY_BEAT_SCHEDULE["broadcast-sweep"] = {
    "task": "broadcast.tasks.sweep",
    "schedule": 15.0,
}
