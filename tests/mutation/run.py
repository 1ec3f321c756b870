"""`make mutation`: mutmut over the pure, central modules, one module at a time, then a score table.

    .venv/bin/python -m tests.mutation.run                 # every module below, then the table
    .venv/bin/python -m tests.mutation.run text grading    # only these modules
    .venv/bin/python -m tests.mutation.run --sample 150 gift   # a fixed sample of a big module
    .venv/bin/python -m tests.mutation.run --table         # the table of what has been run

Configuration is [tool.mutmut] in pyproject.toml: mutants live in mutants/ (not committed), and
only the focused, database-free tests of each module run against its mutants. mutmut runs at
the lowest CPU priority with one child: the machine is shared.
"""

import argparse
import fnmatch
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTMUT = Path(sys.executable).with_name("mutmut")

# Module label -> (source file, mutant name patterns). Where a file holds more than the pure
# part (certificate services, coverage selectors), only the pure functions are mutated.
MODULES = {
    "grading": ("quizzes/grading.py", ["quizzes.grading.*"]),
    "gift": ("quizzes/formats/gift.py", ["quizzes.formats.gift.*"]),
    "aiken": ("quizzes/formats/aiken.py", ["quizzes.formats.aiken.*"]),
    "formats-base": ("quizzes/formats/base.py", ["quizzes.formats.base.*"]),
    "roster": ("courses/learning/roster_reader.py", ["courses.learning.roster_reader.*"]),
    "text": ("lms/core/text.py", ["lms.core.text.*"]),
    "certificate-dates": (
        "courses/certificates/selectors.py",
        [
            "courses.certificates.selectors.x_add_months__mutmut_*",
            "courses.certificates.selectors.x_expiry_for__mutmut_*",
            "courses.certificates.selectors.x_certificate_status__mutmut_*",
        ],
    ),
    "coverage-rollup": (
        "lms/coverage/selectors.py",
        [
            "lms.coverage.selectors.x_build_agency_tree__mutmut_*",
            "lms.coverage.selectors.xǁAgencyTreeǁ*",
        ],
    ),
}
KILLED = {1, 3, 36, -24, 24, 152, 255}  # failed tests, pytest error, timeout
SURVIVED = {0, 5, 33}  # tests passed, or no test reached the mutant


def _mutmut(children: int, *names: str) -> None:
    command = ["nice", "-n", "19", str(MUTMUT), "run", "--max-children", str(children), *names]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _exit_codes(module: str) -> dict[str, int | None]:
    path, patterns = MODULES[module]
    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    return {
        name: code
        for name, code in codes.items()
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
    }


def run(module: str, sample: int | None, children: int = 1) -> None:
    if sample is None:
        _mutmut(children, *MODULES[module][1])
        return
    if not _exit_codes(module):
        _mutmut(children, "nothing.to.run")  # generates the mutants without testing any
    names = sorted(_exit_codes(module))
    _mutmut(children, *random.Random(module).sample(names, min(sample, len(names))))  # noqa: S311


def table() -> str:
    lines = [
        "| module | mutants | tested | killed | survived | score |",
        "|---|---|---|---|---|---|",
    ]
    for module, (path, _patterns) in MODULES.items():
        codes = list(_exit_codes(module).values())
        tested = [code for code in codes if code is not None and code != 34]
        killed = sum(code in KILLED for code in tested)
        survived = sum(code in SURVIVED for code in tested)
        score = f"{100 * killed / len(tested):.1f} %" if tested else "not run"
        lines.append(
            f"| {module} (`{path}`) | {len(codes)} | {len(tested)} | {killed} | {survived} "
            f"| {score} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"some of: {', '.join(MODULES)}")
    parser.add_argument("--sample", type=int, help="test this many mutants of each module")
    parser.add_argument("--table", action="store_true", help="only print the table")
    parser.add_argument("--children", type=int, default=1, help="mutants tested at once")
    args = parser.parse_args()
    unknown = set(args.modules) - set(MODULES)
    if unknown:
        parser.error(f"unknown module(s): {', '.join(sorted(unknown))}")
    if not args.table:
        for module in args.modules or list(MODULES):
            print(f"mutmut: {module}", flush=True)
            run(module, args.sample, args.children)
    print(table())


if __name__ == "__main__":
    main()
