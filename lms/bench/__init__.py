"""The benchmark's data generator: `manage.py generate_load_data` builds the volumes
tests/bench (`make bench`) measures. Nothing imports lms.bench."""
