"""Django settings, all from the environment (see README "Configuration")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from saferplaces.web.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("SAFERPLACES_DEBUG")
SECRET_KEY = env_str("SAFERPLACES_SECRET_KEY")
ALLOWED_HOSTS = env_list("SAFERPLACES_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "saferplaces.web",
    "saferplaces.apps.incidents",
    "saferplaces.apps.assessments",
    "saferplaces.apps.audit",
    "saferplaces.apps.agencies",
    "saferplaces.apps.people",
    "saferplaces.apps.cases",
    "saferplaces.apps.workbench",
    "saferplaces.apps.dataprotection",
    "saferplaces.apps.places",
    "saferplaces.apps.safeguarding",
    "saferplaces.apps.casereview",
    "saferplaces.apps.hate",
    "saferplaces.apps.slavery",
    "saferplaces.apps.asb",
    "saferplaces.apps.repeats",
    "saferplaces.apps.pspo",
    "saferplaces.apps.operations",
    "saferplaces.apps.intelligence",
    "saferplaces.apps.hiddenharms",
    "saferplaces.apps.uploads",
    "saferplaces.apps.explore",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "saferplaces.apps.accounts",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
]

MIDDLEWARE = [
    # first, so every response (redirects, refusals, lockouts) and every audit event carries it
    "saferplaces.apps.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # before WhiteNoise, so static files carry these headers too (WhiteNoise answers them itself)
    "saferplaces.web.headers.ContentSecurityPolicyMiddleware",
    "saferplaces.web.headers.PermissionsPolicyMiddleware",
    "saferplaces.web.staticfiles.StaticFiles",  # WhiteNoise
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # after messages: signs out an idle or too-old session and says why on the sign-in page
    "saferplaces.apps.accounts.middleware.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # turns a lockout found while signing in (password or two-factor code) into the lockout page
    "axes.middleware.AxesMiddleware",
    # last, so it sees the signed-in and two-factor-verified user: refuses undeclared views
    "saferplaces.apps.agencies.middleware.DeclaredAccessMiddleware",
]

ROOT_URLCONF = "saferplaces.web.urls"
WSGI_APPLICATION = "saferplaces.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "saferplaces.web.context.site",
            ],
        },
    }
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(Path(env_str("SAFERPLACES_DB")).resolve()),
            "OPTIONS": {
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env_str("SAFERPLACES_TASK_BACKEND"),
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = str(Path.cwd() / env_str("SAFERPLACES_STATIC_ROOT"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = str(Path.cwd() / env_str("SAFERPLACES_FILES"))

# Map tiles: any XYZ template. Empty disables tiles; the map still draws boundaries and incidents.
SAFERPLACES_TILE_URL = env_str("SAFERPLACES_TILE_URL")
SAFERPLACES_TILE_ATTRIBUTION = env_str("SAFERPLACES_TILE_ATTRIBUTION")
SAFERPLACES_MAP_POINT_LIMIT = env_int("SAFERPLACES_MAP_POINT_LIMIT")
# Exact locations of these only for "incidents.view_sensitive_locations" (apps/incidents/access.py).
SAFERPLACES_SENSITIVE_CATEGORIES_FILE = env_str("SAFERPLACES_SENSITIVE_CATEGORIES_FILE")
# Case types, their party roles, retention and referral targets (apps/cases/types.py).
SAFERPLACES_CASE_TYPES_FILE = env_str("SAFERPLACES_CASE_TYPES_FILE")
SAFERPLACES_LAW_FILE = env_str("SAFERPLACES_LAW_FILE")
SAFERPLACES_ASSESSMENT_SETTINGS_FILE = env_str("SAFERPLACES_ASSESSMENT_SETTINGS_FILE")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# HTTPS (README "Running it for real"): `saferplaces check --deploy` warns while it is off.
SAFERPLACES_HTTPS = env_bool("SAFERPLACES_HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = SAFERPLACES_HTTPS
SECURE_HSTS_SECONDS = env_int("SAFERPLACES_HSTS_SECONDS") if SAFERPLACES_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SAFERPLACES_HTTPS
SAFERPLACES_BEHIND_PROXY = env_bool("SAFERPLACES_BEHIND_PROXY")
if SAFERPLACES_HTTPS and SAFERPLACES_BEHIND_PROXY:
    # Only a proxy that sets this header itself (and strips the client's) may be trusted with it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Preloading into browsers' HSTS lists is a decision for the owner of the whole registered domain
# (e.g. the council), binding every subdomain for good; the site itself sends HSTS (W004, W005).
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Headers on every response (web/headers.py adds Permissions-Policy and the tile origin).
SECURE_REFERRER_POLICY = "same-origin"  # a page's address can name a person or a case
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY: dict[str, tuple[str, ...]] = {
    feature: () for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "usb", "xr-spatial-tracking",
    )
}
# No inline script or style anywhere: scripts and styles are files under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Leaflet's blank tile is a data: image; tiles: web/headers.py
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"access": {"format": "%(asctime)s %(message)s"}},
    # a refused or bad request (4xx) is one line, without a traceback (web/logfilters.py)
    "filters": {"quiet_client_errors": {"()": "saferplaces.web.logfilters.QuietClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["quiet_client_errors"]},
        "access": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "access"},
    },
    "root": {"handlers": ["console"], "level": env_str("SAFERPLACES_LOG_LEVEL")},
    # One line per request from `saferplaces serve` (web/server.py): nothing personal in it.
    "loggers": {"saferplaces.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
                "django.request": {"filters": ["quiet_client_errors"]}},
}

# Sign-in (apps/accounts): a password, then a code from an authenticator app or a recovery code.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:index"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked username before any check
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env_int("SAFERPLACES_PASSWORD_MIN_LENGTH")}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after SAFERPLACES_SESSION_IDLE_MINUTES without a request, SAFERPLACES_SESSION_MAX_HOURS
# after signing in (accounts/middleware.py), and when the browser closes. The stored session
# lasts no longer than the longest a session may live.
SAFERPLACES_SESSION_IDLE_MINUTES = env_int("SAFERPLACES_SESSION_IDLE_MINUTES")
SAFERPLACES_SESSION_MAX_HOURS = env_int("SAFERPLACES_SESSION_MAX_HOURS")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = SAFERPLACES_SESSION_MAX_HOURS * 3600
# Lockout (django-axes): wrong passwords and wrong two-factor codes share one count per username,
# whatever the address (apps/accounts/lockout.py says why), cleared by a complete sign-in.
AXES_FAILURE_LIMIT = env_int("SAFERPLACES_LOCKOUT_FAILURES")
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SAFERPLACES_LOCKOUT_MINUTES"))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns when the address is not part of the lock; here every attempt on a username counts,
# whatever the address, browser or cookies, so changing those does not get round it.
SILENCED_SYSTEM_CHECKS += ["axes.W006"]
AXES_USERNAME_CALLABLE = "saferplaces.apps.accounts.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "saferplaces.apps.accounts.views.locked_out"
AXES_CLIENT_STR_CALLABLE = "saferplaces.apps.accounts.lockout.client_str"
AXES_RESET_ON_SUCCESS = False  # a password alone is half a sign-in: the count is cleared after both
AXES_DISABLE_ACCESS_LOG = True  # the audit log records sign-ins
AXES_ENABLE_ADMIN = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "old_password", "new_password1",
                             "new_password2", "csrfmiddlewaretoken"]
# Two-factor devices (django-otp). The lockout count above is the one limit on guessing codes, so
# django-otp's own per-device delays are off.
OTP_TOTP_ISSUER = "saferplaces"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Who may see what (apps/agencies): every page needs sign-in unless this is on, and then only the
# public-safe pages open to everyone.
SAFERPLACES_PUBLIC_SITE = env_bool("SAFERPLACES_PUBLIC_SITE")
# Who to tell about an accessibility problem (the statement at /accessibility/, web/statement.py).
SAFERPLACES_ACCESSIBILITY_CONTACT = env_str("SAFERPLACES_ACCESSIBILITY_CONTACT")
SAFERPLACES_REQUIRE_2FA = env_bool("SAFERPLACES_REQUIRE_2FA")
SAFERPLACES_BREAK_GLASS_HOURS = env_int("SAFERPLACES_BREAK_GLASS_HOURS")
SAFERPLACES_API_TOKEN_DAYS = env_int("SAFERPLACES_API_TOKEN_DAYS")
# Partner systems' per-agency service tokens (apps/agencies/service_tokens.py).
SAFERPLACES_SERVICE_TOKEN_DAYS = env_int("SAFERPLACES_SERVICE_TOKEN_DAYS")
# Case attachments (apps/cases/attachments.py): kept under SAFERPLACES_FILES/attachments, which
# no URL serves; each file is checked by extension and by content.
SAFERPLACES_ATTACHMENT_MAX_MB = env_int("SAFERPLACES_ATTACHMENT_MAX_MB")
SAFERPLACES_ATTACHMENT_TYPES = [kind.lower().lstrip(".") for kind in env_list("SAFERPLACES_ATTACHMENT_TYPES")]
# Data files uploaded on the Upload data page (apps/uploads/files.py): kept under
# SAFERPLACES_FILES/uploads, which no URL serves, until loaded; checked by content.
SAFERPLACES_UPLOAD_MAX_MB = env_int("SAFERPLACES_UPLOAD_MAX_MB")
# The longest free text on a case or a person (web/textlimits.py), checked by the services.
SAFERPLACES_TEXT_MAX_CHARS = env_int("SAFERPLACES_TEXT_MAX_CHARS")

# The API (/api/, web/api.py). A token is sent as "Authorization: Token <key>"; a browser uses its
# session. Every endpoint's declared rule is enforced by DeclaredAccess, so an API view that
# declares none is refused. JSON only: the browsable API needs inline script, which the CSP forbids.
REST_FRAMEWORK = {
    # Token first, so a request with no credentials is answered 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token authentication, refusing tokens older than SAFERPLACES_API_TOKEN_DAYS
        "saferplaces.apps.agencies.authentication.ExpiringTokenAuthentication",
        # a partner agency's system: "Authorization: Bearer sps_..." (only its token's scopes)
        "saferplaces.apps.agencies.authentication.ServiceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["saferplaces.apps.agencies.permissions.DeclaredAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "saferplaces API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Read-only access to what a signed-in partner may see on the site: assessment runs and "
        "their results in brief, the incident summary, and who you are to the partnership. "
        "Create a token on the page /api/token/ and send it as `Authorization: Token <key>`. "
        "Each endpoint needs the same role capability as the page it mirrors."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    # several models have a "status": name each choice set after its model
    "ENUM_NAME_OVERRIDES": {
        "RunStatusEnum": "saferplaces.apps.assessments.models.RunStatus",
        "CaseStatusEnum": "saferplaces.apps.cases.models.Status",
        "TaskStatusEnum": "saferplaces.apps.cases.models.TaskStatus",
        "DecisionEnum": "saferplaces.apps.cases.models.Decision",
        "RunKindEnum": "saferplaces.apps.assessments.models.RunKind",
        "PlaceKindEnum": "saferplaces.apps.places.models.PlaceKind",
        "OperationKindEnum": "saferplaces.apps.operations.models.Kind",
        "HateKindEnum": "saferplaces.apps.hate.models.Kind",
        "HatePerceiverEnum": "saferplaces.apps.hate.models.Perceiver",
        "AsbActionKindEnum": "saferplaces.apps.asb.models.ActionKind",
        "RepeatKindEnum": "saferplaces.apps.repeats.models.Kind",
        "RepeatProposalStatusEnum": "saferplaces.apps.repeats.models.Status",
        "IntelligenceKindEnum": "saferplaces.apps.intelligence.models.Kind",
    },
    "SERVE_PERMISSIONS": ["saferplaces.apps.agencies.permissions.DeclaredAccess"],
    # Record ids in URLs (<id:pk>, web/converters.py): whole numbers of up to 18 digits.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "format": "int64", "minimum": 0,
                                        "maximum": 999_999_999_999_999_999}},
}
