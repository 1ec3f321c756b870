from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's data generator (`generate_load_data`); no models, no URLs."""

    name = "lms.bench"
    label = "bench"
