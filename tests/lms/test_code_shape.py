"""The shape the code keeps (docs/DESIGN.md, "Which way the code leans"), read from the source.

Functions fit on a screen; the kernel imports no app; learning imports none of the domains
built on it; parsers import no model; every celery task has an explicit registered name.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ("lms", "courses", "quizzes")
MAX_FUNCTION_LINES = 80

APPS = (
    "courses",
    "quizzes",
    "lms.accounts",
    "lms.coverage",
    "lms.api",
    "lms.site",
    "lms.bench",
    "lms.xapi",
)
TOP = ("lms.coverage", "lms.api", "lms.site", "lms.bench", "lms.xapi")
# Modules that may import every app: the composition roots.
COMPOSITION_ROOTS = ("lms.urls", "lms.settings", "lms.celery", "lms.wsgi")

# (files, forbidden module prefixes, why)
RULES = [
    ("lms/core", APPS, "the kernel imports no app"),
    ("lms/accounts", ("courses", "quizzes", *TOP), "accounts sits below the learning apps"),
    (
        "courses/learning",
        ("courses.classes", "courses.certificates", "courses.models", "quizzes"),
        "learning imports neither classes nor certificates nor quizzes (they call it or react "
        "to its signals)",
    ),
    (
        "courses/scorm",
        ("courses.classes", "courses.certificates", "quizzes"),
        "SCORM lessons are learning activities: they build on learning alone",
    ),
    ("courses", TOP, "nothing imports the top-level apps"),
    ("quizzes", ("courses.certificates", *TOP), "nothing imports the top-level apps"),
]

# Parsers: bytes or text in, dataclasses and located errors out; no model, no ORM.
PARSERS = [
    "courses/learning/roster_reader.py",
    "lms/accounts/directory.py",
    "lms/coverage/plan_reader.py",
    *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "quizzes/formats").glob("*.py")),
]
PARSER_FORBIDDEN = ("django.db", "django.apps", "django.contrib.auth", "wagtail.models")


def source_files(under: str = ""):
    bases = [ROOT / under] if under else [ROOT / name for name in APP_DIRS]
    for base in bases:
        paths = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in paths:
            if "migrations" not in path.parts:
                yield path


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path):
    """Every module the file imports, at the top or inside a function, with its line."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # `from courses import classes`
                yield f"{module}.{alias.name}", node.lineno


def matches(module: str, prefixes) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


@pytest.mark.parametrize("files, forbidden, why", RULES, ids=[rule[0] for rule in RULES])
def test_imports_lean_one_way(files, forbidden, why):
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in source_files(files)
        for module, line in imported_modules(path)
        if matches(module, forbidden) and not matches(module_name(path), COMPOSITION_ROOTS)
    ]
    assert not found, f"{why}:\n" + "\n".join(found)


@pytest.mark.parametrize("parser", PARSERS)
def test_parsers_import_no_model(parser):
    own_package = module_name(ROOT / parser).rpartition(".")[0]
    found = [
        f"{parser}:{line} imports {module}"
        for module, line in imported_modules(ROOT / parser)
        if matches(module, PARSER_FORBIDDEN)
        or module.endswith(".models")
        or ".models." in module
        or (matches(module, APPS) and not module.startswith(own_package + "."))
    ]
    assert not found, "parsers are pure Python:\n" + "\n".join(found)


def test_functions_fit_on_a_screen():
    long = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = node.end_lineno - first + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length}")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


def _is_task_decorator(decorator) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return getattr(target, "id", getattr(target, "attr", None)) in {"shared_task", "task"}


def test_every_task_has_an_explicit_name():
    unnamed = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if _is_task_decorator(decorator) and not (
                    isinstance(decorator, ast.Call)
                    and any(keyword.arg == "name" for keyword in decorator.keywords)
                ):
                    unnamed.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    # A task's registered name is what beat entries and queued messages carry: moving its module
    # must not rename it.
    assert not unnamed, "tasks without name=...:\n" + "\n".join(unnamed)


def test_the_checks_see_the_code():
    """Guards the guards: the walker finds the kernel and a known long-standing import."""
    modules = {module for module, _line in imported_modules(ROOT / "courses/learning/pages.py")}
    assert "lms.core.models" in modules
    assert any(True for _path in source_files("lms/core"))
