from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Khóa học và lớp học")

    def ready(self):
        # Classes and certificates plug into the learning rules (courses.learning.rules) and
        # react to its signals; learning itself imports neither.
        from courses.certificates import receivers  # noqa: F401
        from courses.classes import completion  # noqa: F401
        from courses.learning import lesson_cache  # noqa: F401 - its receivers
