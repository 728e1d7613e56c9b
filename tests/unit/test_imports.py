"""The package's modules import each other without a cycle, nothing the workflow runs imports
the measurement folder perf/, and only the jobs that need TensorFlow import it."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

#: An import of perf in a Snakefile or rule file, whose Snakemake syntax ast cannot parse.
PERF_IMPORT = re.compile(r"^\s*(from\s+perf\b|import\s+perf\b)", re.MULTILINE)


def package_modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for the package in folder `root` and its subpackages."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def anchor(module: str, path: Path) -> str:
    """The package that relative imports in `module` start from."""
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def imported_names(path: Path, package: str | None) -> set[str]:
    """The absolute dotted names `path` imports, at module level or inside functions: `X.a` for
    `from X import a`, and `X.` for `import_module(f"X.{name}")` (any module under X).
    `package` anchors relative imports; None for a script, which has none."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if package is None:
                    continue
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module
            names |= {
                module if alias.name == "*" else f"{module}.{alias.name}" for alias in node.names
            }
        elif isinstance(node, ast.Call) and _is_import_module(node.func) and node.args:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names.add(argument.value)
            elif isinstance(argument, ast.JoinedStr):
                names.add("".join(_fixed_prefix(argument)))
    return names


def _is_import_module(function: ast.expr) -> bool:
    return (isinstance(function, ast.Attribute) and function.attr == "import_module") or (
        isinstance(function, ast.Name) and function.id == "import_module"
    )


def _fixed_prefix(text: ast.JoinedStr) -> list[str]:
    """The constant parts of an f-string up to its first placeholder."""
    prefix = []
    for part in text.values:
        if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
            break
        prefix.append(part.value)
    return prefix


def resolve(name: str, modules: dict[str, Path]) -> set[str]:
    """The package modules an imported name runs: the longest prefix of `X.a.b` that is one,
    or every module under `X.` (none for a name outside the package)."""
    if name.endswith("."):
        under = {module for module in modules if module.startswith(name)}
        return under or resolve(name.rstrip("."), modules)
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return {".".join(parts[:end])}
    return set()


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package modules it imports. Each import also runs the parent packages'
    __init__, which Python has already started, so those are not edges."""
    modules = package_modules(root)
    graph = {}
    for module, path in modules.items():
        targets = set()
        for name in imported_names(path, anchor(module, path)):
            targets |= resolve(name, modules)
        graph[module] = {target for target in targets if target != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph`, its first module repeated at the end; [] when there is none."""
    finished: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in finished:
            return []
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if cycle := visit(target):
                return cycle
        path.pop()
        finished.add(module)
        return []

    for module in sorted(graph):
        if cycle := visit(module):
            return cycle
    return []


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_the_graph_resolves_absolute_relative_lazy_and_dynamic_imports(tmp_path):
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "import numpy\nfrom pkg.sub import b\n",
            "pkg/sub/__init__.py": "from .b import run\n",
            "pkg/sub/b.py": "def run():\n    from .. import a\n",
            "pkg/c.py": "import importlib\nimport pkg.a\n\n"
            "def engine(name):\n    return importlib.import_module(f'pkg.sub.{name}')\n",
        },
    )
    assert import_graph(tmp_path / "pkg") == {
        "pkg": set(),
        "pkg.a": {"pkg.sub.b"},
        "pkg.sub": {"pkg.sub.b"},
        "pkg.sub.b": {"pkg.a"},
        "pkg.c": {"pkg.a", "pkg.sub.b"},
    }


def test_a_cycle_is_named_module_by_module():
    graph = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a", "p.d"}, "p.d": set()}
    assert find_cycle(graph) == ["p.a", "p.b", "p.c", "p.a"]
    assert find_cycle({"p.a": {"p.b"}, "p.b": set(), "p.c": {"p.a", "p.b"}}) == []


def test_the_package_has_no_import_cycle(repo):
    graph = import_graph(repo / "softnet")
    assert len(graph) > 1 and any(graph.values()), "no modules or imports found in softnet/"
    cycle = find_cycle(graph)
    assert cycle == [], f"import cycle: {' -> '.join(cycle)}"


def test_perf_imports_are_found_in_python_and_snakemake_files(tmp_path):
    write(tmp_path, {"script.py": "def main():\n    from perf.benchmark import run\n"})
    assert imported_names(tmp_path / "script.py", None) == {"perf.benchmark.run"}
    assert PERF_IMPORT.search("rule time:\n    run:\n        import perf.loading\n")
    assert not PERF_IMPORT.search('rule a:\n    output: "performance.csv"\n')


def test_nothing_in_the_package_or_the_workflow_imports_perf(repo):
    scripts = sorted((repo / "workflow_scripts").glob("*.py"))
    snakemake_files = [repo / "Snakefile", *sorted((repo / "rules").glob("*.smk"))]
    assert scripts and len(snakemake_files) > 1, "workflow files not found"
    imports = {path: imported_names(path, None) for path in scripts} | {
        path: imported_names(path, anchor(module, path))
        for module, path in package_modules(repo / "softnet").items()
    }
    importers = [
        path for path, names in imports.items() if any(n.split(".")[0] == "perf" for n in names)
    ]
    importers += [path for path in snakemake_files if PERF_IMPORT.search(path.read_text())]
    named = ", ".join(str(path.relative_to(repo)) for path in importers)
    assert importers == [], f"perf/ imported by {named}"


#: The workflow scripts whose jobs start TensorFlow (the flow job only with its engine, later).
TENSORFLOW_SCRIPTS = {"train_fold.py", "score_folds.py", "score_applied.py"}

#: Imports each named script's modules in turn; prints the first after which TensorFlow is loaded.
FIRST_TO_LOAD_TENSORFLOW = """\
import importlib, json, sys
for script, modules in json.loads(sys.argv[1]).items():
    for module in modules:
        importlib.import_module(module)
    if "tensorflow" in sys.modules:
        print(script)
        break
"""


def first_to_load_tensorflow(repo: Path, modules: dict[str, list[str]]) -> str:
    """The first script (in the given order) after whose modules TensorFlow is loaded; '' if
    none, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-c", FIRST_TO_LOAD_TENSORFLOW, json.dumps(modules)],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_only_the_training_and_scoring_jobs_import_tensorflow(repo):
    """A job that imports TensorFlow pays seconds for it: the others must not."""
    modules = {}
    for path in sorted((repo / "workflow_scripts").glob("*.py")):
        names = [n for n in imported_names(path, None) if n.startswith("softnet.")]
        modules[path.name] = sorted({n.rpartition(".")[0] for n in names})
    assert TENSORFLOW_SCRIPTS <= set(modules), "workflow scripts not found"
    others = {name: found for name, found in modules.items() if name not in TENSORFLOW_SCRIPTS}
    loading = first_to_load_tensorflow(repo, others)
    assert loading == "", f"workflow_scripts/{loading} imports TensorFlow"
    # the check sees TensorFlow where it is imported
    assert first_to_load_tensorflow(repo, modules) in TENSORFLOW_SCRIPTS
