"""Settings shared by every environment; service URLs and secrets come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Proxies in front of the web nodes (nginx = 1; a load balancer before nginx = 2). Every
# per-address limit reads the client from X-Forwarded-For through lms.core.addresses.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    "lms.accounts",
    "lms.core",
    "lms.site",
    "lms.bench",
    "lms.coverage",
    "lms.api",
    "lms.xapi",
    "courses",
    "quizzes",
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
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    # Serves the API docs page from its bundled static files instead of a CDN.
    "ninja",
    # django.contrib.admin with its site for system administrators only (lms/core/admin_site.py).
    "lms.core.admin_site.SystemAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "lms.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.core.middleware.SiteLanguageMiddleware",  # Vietnamese unless the switcher chose English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "lms.accounts.backends.RenamedBackendsMiddleware",  # sessions signed in before the swap
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.core.middleware.ContentSecurityPolicyMiddleware",
    "lms.core.audit.AuditActorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.accounts.middleware.RequireMFAForStaffMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "courses.learning.middleware.CataloguePageCacheMiddleware",
    "lms.core.pagecache.PageRouteCacheMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.site.context_processors.navigation",
                "lms.site.context_processors.organisation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must survive a classroom clicking at once: WAL lets readers go on
    # while one writer writes, IMMEDIATE takes the write lock when a transaction begins (a
    # deferred one that later needs it fails at once with "database is locked"), and writers
    # wait up to `timeout` seconds for each other instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, each loading the signed-in person in one prepared statement.
AUTHENTICATION_BACKENDS = [
    "lms.accounts.backends.ModelBackend",
    "lms.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 hashes new and changed passwords; the others stay so that older PBKDF2 hashes
# still verify and are upgraded on the next login.
PASSWORD_HASHERS = [
    "lms.accounts.hashers.Argon2PasswordHasher",  # Argon2id, 12 MiB (lms/accounts/hashers.py)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "account_login"
# The admins' login pages send people to allauth's (lms.urls); passwords are reset through
# allauth's rate-limited form, not Wagtail's.
WAGTAIL_PASSWORD_RESET_ENABLED = False
LOGIN_REDIRECT_URL = "/"

# allauth: e-mail is the login; verification is mandatory before learning starts.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "lms.accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "lms.accounts.forms.SignupForm"
# Addresses are real clients (TRUSTED_PROXY_COUNT), but a class hall of ~200 trainees shares
# one NAT address and signs in at once: the per-address limits leave room for it, and password
# guessing against one account is held by the per-account ("key") limit, which a correct
# password does not consume.
ACCOUNT_RATE_LIMITS = {
    "login": "300/m/ip",
    "login_failed": "5/5m/key,100/5m/ip",
    "signup": "20/m/ip",
    "reset_password": "5/m/ip,3/m/key",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Đào tạo ISO 9001"
# Roles whose members must enrol an authenticator before using staff pages.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Project catalogues first: they complete the Vietnamese that allauth and Wagtail lack.
LOCALE_PATHS = [
    BASE_DIR / "lms" / "locale",
    BASE_DIR / "lms" / "locale" / "allauth",
    BASE_DIR / "lms" / "locale" / "wagtail",
]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["lms.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "lms" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Certificate PDFs, roster uploads and exports: outside MEDIA_ROOT, served only by views that
# check permission (lms.core.storage).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
# Certificate PDFs carry a PAdES signature with the department's key: PEM key + certificate paths,
# or a PKCS#12 file in CERTIFICATE_SIGNING_KEY opened with the passphrase. Empty: unsigned.
CERTIFICATE_SIGNING_KEY = env("CERTIFICATE_SIGNING_KEY", default="")
CERTIFICATE_SIGNING_CERT = env("CERTIFICATE_SIGNING_CERT", default="")
CERTIFICATE_SIGNING_PASSPHRASE = env("CERTIFICATE_SIGNING_PASSPHRASE", default="")
# Where load_demo writes a self-signed demo pair (development only; None: no demo pair).
DEMO_SIGNING_DIR = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/no-public-url/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Shared object storage (S3-compatible) for uploads, certificate PDFs and exports when a bucket
# is configured, so any number of web nodes and workers see the same files.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    # Private files: a private prefix (or bucket) with signed addresses that expire in a minute.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "bucket_name": env("AWS_PRIVATE_STORAGE_BUCKET_NAME", default=AWS_STORAGE_BUCKET_NAME),
            "location": env("AWS_PRIVATE_LOCATION", default="private"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "signature_version": "s3v4",
        },
    }

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://lms")}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Đào tạo ISO 9001 <no-reply@localhost>")

# Celery: without a broker, tasks run in-process so a newcomer needs nothing but Python.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
# Entries below are created when missing; an administrator's edits in the admin are kept.
CELERY_BEAT_SCHEDULER = "lms.core.beat:DefaultsOnlyScheduler"
CELERY_TASK_ROUTES = {
    "courses.tasks.render_certificate_*": {"queue": "pdf"},
    "courses.tasks.build_certificate_zip": {"queue": "pdf"},
    "lms.coverage.tasks.*": {"queue": "exports"},
}
CELERY_TASK_DEFAULT_QUEUE = "default"
# A message whose worker died is handed out again after this many seconds (acks_late).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
}
# Fixed local times (CELERY_TIMEZONE), not "every 24 h from whenever beat started".
CELERY_BEAT_SCHEDULE = {
    # Local time (CELERY_TIMEZONE): the 1st of each month at 07:00; once per person and month.
    "coverage-monthly-digests": {
        "task": "lms.coverage.tasks.send_monthly_digests",
        "schedule": crontab(minute=0, hour=7, day_of_month=1),
    },
    # Daily at 07:00: who missed yesterday's sessions, to their agency's secretaries.
    "coverage-missed-session-notices": {
        "task": "lms.coverage.tasks.send_missed_session_notices",
        "schedule": crontab(minute=0, hour=7),
    },
    # 07:00 daily; everyone on the roster of a session starting tomorrow is mailed once
    # (SessionReminder per person, so a retry after an SMTP error mails only the rest).
    "class-session-reminders": {
        "task": "courses.tasks.classes.send_session_reminders",
        "schedule": crontab(minute=0, hour=7),
    },
    # Nightly, so the current month's coverage snapshot is always fresh; the task is idempotent.
    "coverage-monthly-snapshot": {
        "task": "lms.coverage.tasks.take_monthly_snapshot",
        "schedule": crontab(minute=30, hour=1),
    },
    # 07:00 daily; each holder is reminded once (expiry_reminder_sent_at), 30 days before expiry.
    "certificate-expiry-reminders": {
        "task": "courses.tasks.send_expiry_reminders",
        "schedule": crontab(minute=0, hour=7),
        "kwargs": {"days": 30},
    },
    # Hourly; roster files uploaded for a preview and never confirmed go after a day.
    "roster-upload-cleanup": {
        "task": "courses.tasks.classes.remove_stale_roster_uploads",
        "schedule": 60 * 60,
    },
}

# A marking page sends a status and a note per person (classes hold up to 5 000 people).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2 * 5000 + 100
WAGTAIL_SITE_NAME = "Đào tạo ISO 9001"
# xAPI: learning records are sent as statements to this LRS endpoint (e.g.
# https://lrs.example.vn/data/xAPI) when set; credentials as HTTP Basic (username/password) or a
# whole Authorization header value (XAPI_AUTH). Empty: nothing is sent.
XAPI_ENDPOINT = env("XAPI_ENDPOINT", default="")
XAPI_USERNAME = env("XAPI_USERNAME", default="")
XAPI_PASSWORD = env("XAPI_PASSWORD", default="")
XAPI_AUTH = env("XAPI_AUTH", default="")
XAPI_TIMEOUT = env.float("XAPI_TIMEOUT", default=10.0)

# Links in e-mails, PDFs and QR codes: SITE_URL when set (production requires a public https
# address), else the default Wagtail Site's address (lms.core.links.site_url).
SITE_URL = env("SITE_URL", default="")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=SITE_URL or "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# The editor script writes ASCII slugs; VietnameseSlugPage fixes its "dj" for đ on save.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# mp4/webm: the lesson video block plays self-hosted videos from the document library.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "pptx", "odt", "ods", "md", "txt"]
WAGTAILDOCS_EXTENSIONS += ["zip", "mp4", "webm"]
# The admin fetches nothing from the internet (closed provincial intranets): no Gravatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Video players lessons may embed; the Content-Security-Policy allows them in frame-src.
CSP_EMBED_ORIGINS = env.list(
    "CSP_EMBED_ORIGINS",
    default=[
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ],
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Caps on every imported CSV/XLSX (rosters, enrolment lists): a file beyond them is refused with
# a message before it is read (lms.core.spreadsheets), so no upload can exhaust a process.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=50)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=64 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)

# Days before a certificate expires from which its holder may "Học lại để gia hạn" (renew).
RENEWAL_WINDOW_DAYS = env.int("RENEWAL_WINDOW_DAYS", default=90)
