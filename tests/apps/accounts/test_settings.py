"""The sign-in settings are read from the environment, in a fresh process as a deployment reads
them, with their documented defaults."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.process import environment

READ = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "min_length": settings.AUTH_PASSWORD_VALIDATORS[0]["OPTIONS"]["min_length"],
    "validators": [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS],
    "failures": settings.AXES_FAILURE_LIMIT,
    "cool_off_minutes": settings.AXES_COOLOFF_TIME.total_seconds() / 60,
    "lock_on": settings.AXES_LOCKOUT_PARAMETERS,
    "first_backend": settings.AUTHENTICATION_BACKENDS[0],
    "idle": settings.SAFERPLACES_SESSION_IDLE_MINUTES,
    "max_hours": settings.SAFERPLACES_SESSION_MAX_HOURS,
    "cookie_age": settings.SESSION_COOKIE_AGE,
    "browser_close": settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
}))
"""


def read_settings(tmp_path, **variables: str) -> dict:
    env = environment(tmp_path) | variables | {"DJANGO_SETTINGS_MODULE": "saferplaces.web.settings"}
    for name in ("SAFERPLACES_PASSWORD_MIN_LENGTH", "SAFERPLACES_LOCKOUT_FAILURES",
                 "SAFERPLACES_LOCKOUT_MINUTES", "SAFERPLACES_SESSION_IDLE_MINUTES",
                 "SAFERPLACES_SESSION_MAX_HOURS"):
        if name not in variables:
            env.pop(name, None)
    done = subprocess.run([sys.executable, "-c", READ], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_defaults(tmp_path):
    assert read_settings(tmp_path) == {
        "min_length": 12,
        "validators": ["MinimumLengthValidator", "CommonPasswordValidator",
                       "UserAttributeSimilarityValidator", "NumericPasswordValidator"],
        "failures": 5, "cool_off_minutes": 30, "lock_on": ["username"],
        "first_backend": "axes.backends.AxesStandaloneBackend",
        "idle": 30, "max_hours": 12, "cookie_age": 12 * 3600, "browser_close": True,
    }


def test_each_can_be_set(tmp_path):
    found = read_settings(tmp_path, SAFERPLACES_PASSWORD_MIN_LENGTH="15",
                          SAFERPLACES_LOCKOUT_FAILURES="8", SAFERPLACES_LOCKOUT_MINUTES="10",
                          SAFERPLACES_SESSION_IDLE_MINUTES="15", SAFERPLACES_SESSION_MAX_HOURS="8")
    assert (found["min_length"], found["failures"], found["cool_off_minutes"], found["idle"],
            found["max_hours"], found["cookie_age"]) == (15, 8, 10, 15, 8, 8 * 3600)
