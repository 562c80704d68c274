"""Django settings, all from the environment (see README "Configuration")."""

from __future__ import annotations

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
    "django_tasks",
    "django_tasks_db",
    "saferplaces.web",
    "saferplaces.apps.incidents",
    "saferplaces.apps.assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SAFERPLACES_LOG_LEVEL")},
}

# Sign-in (Django's auth views, GOV.UK-styled templates in web/templates/registration/).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:index"
