import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

# What is loaded by now (Django, Wagtail, the apps, the URL map) lives as long as the process.
# Frozen, it is left out of the collector's passes, which otherwise walk it on every full
# collection: about a tenth of the CPU of a signed-in lesson request.
gc.freeze()
