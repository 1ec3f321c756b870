"""Demo steps of the courses app, run by `load_demo` (see lms/core/management/commands)."""
