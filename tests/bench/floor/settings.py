"""The floor: the least a Django project can do per request, on the same database as the app.

Served by the same gunicorn config as the LMS; every LMS figure is reported as a ratio to it.
"""

import environ

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="floor-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1"])
ROOT_URLCONF = "tests.bench.floor.urls"
WSGI_APPLICATION = "tests.bench.floor.wsgi.application"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
USE_TZ = True
