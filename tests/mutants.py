"""`make mutants`: mutation testing with mutmut, and the score per module.

    python tests/mutants.py run [MODULE ...]   # plant and test every mutant of each module
    python tests/mutants.py score              # the score per module and overall
    python tests/mutants.py survivors [MODULE] # each surviving mutant, as a diff

Run as a script, never as `-m tests.mutants`: this process must not import the project's
packages, or the tests mutmut runs would find the original modules instead of the mutated
copies under mutants/. Configuration is in pyproject.toml, [tool.mutmut].
"""

import json
import subprocess
import sys
from pathlib import Path

# Not this folder: mutmut's test runs import `tests` from mutants/.
sys.path = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "newsletter.tokens",
    "newsletter.sending",
    "insight.figures",
    "mountainpartnership.pagecache",
    "mountainpartnership.listing",
    "members.filters",
    "activities.filters",
    "discussions.permissions",
    "discussions.services",
    "members.permissions",
    "members.services",
]
MAX_CHILDREN = "2"


def mutate_atomic_functions_too():
    """mutmut 3 leaves every decorated function alone, because copying some decorators (a
    route, a cache) has effects. `@transaction.atomic` has none that matter: the copies are
    atomic too, and nested atomic blocks behave as one. Without this, the services (nearly
    all atomic) would get no mutants at all and the score would say nothing about them."""
    import libcst as cst
    from libcst.metadata import PositionProvider
    from mutmut.mutation import file_mutation

    def atomic_only(node) -> bool:
        return (
            isinstance(node, cst.FunctionDef)
            and bool(node.decorators)
            and all(
                cst.Module([]).code_for_node(decorator.decorator) == "transaction.atomic"
                for decorator in node.decorators
            )
        )

    original = file_mutation.MutationVisitor._skip_node_and_children

    def skip_node_and_children(self, node):
        if atomic_only(node):
            position = self.get_metadata(PositionProvider, node, None)
            if position and position.start.line in self._ignored_node_lines:
                self.ignored_functions.add(node.name.value)
                return True
            return original(self, node.with_changes(decorators=()))
        return original(self, node)

    file_mutation.MutationVisitor._skip_node_and_children = skip_node_and_children


def run_mutmut(arguments):
    mutate_atomic_functions_too()
    from mutmut.__main__ import cli

    cli(arguments, standalone_mode=True)


STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    36: "timeout",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    5: "no tests",
    33: "no tests",
    None: "not checked",
}


def results(module):
    meta = ROOT / "mutants" / (module.replace(".", "/") + ".py.meta")
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return {name: STATUS.get(code, f"suspicious ({code})") for name, code in codes.items()}


def score(modules):
    print(f"{'module':32} {'killed':>7} {'total':>6} {'score':>7}  other")
    all_killed = all_total = 0
    for module in modules:
        statuses = list(results(module).values())
        if not statuses:
            print(f"{module:32} {'(not run)':>22}")
            continue
        # A mutant that makes the tests run past their time limit is caught too (a loop
        # that never ends); mutmut counts it the same way.
        killed = sum(status in {"killed", "timeout"} for status in statuses)
        total = len(statuses)
        others = {
            status: statuses.count(status) for status in sorted(set(statuses)) if status != "killed"
        }
        other = ", ".join(f"{count} {status}" for status, count in others.items())
        print(f"{module:32} {killed:7} {total:6} {killed / total:7.1%}  {other}")
        all_killed += killed
        all_total += total
    if all_total:
        print(f"{'overall':32} {all_killed:7} {all_total:6} {all_killed / all_total:7.1%}")


def survivors(modules):
    for module in modules:
        for name, status in sorted(results(module).items()):
            if status not in {"killed", "timeout", "not checked"}:
                print(f"## {status}", flush=True)
                subprocess.run([sys.executable, __file__, "show", name], cwd=ROOT, check=False)


def main(command, *names):
    modules = list(names) or MODULES
    unknown = [module for module in modules if module not in MODULES]
    if command in {"run", "score", "survivors"} and unknown:
        sys.exit(f"Not among the mutated modules: {', '.join(unknown)} (see tests/mutants.py).")
    if command == "run":
        # One mutmut run for all of them: its check that the tests pass unmutated runs the
        # tests of every module once, not once per module; still two test runs at a time.
        subprocess.run(
            [sys.executable, __file__, "mutmut", "run", "--max-children", MAX_CHILDREN]
            + [f"{module}.*" for module in modules],
            cwd=ROOT,
            check=True,
        )
        print()
        score(MODULES)
    elif command == "score":
        score(modules)
    elif command == "survivors":
        survivors(modules)
    elif command == "show":
        run_mutmut(["show", *names])
    elif command == "mutmut":
        run_mutmut(list(names))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(*(sys.argv[1:] or ["help"]))
