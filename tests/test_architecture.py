"""The shape of the package: rooms depend in one direction only, and no import runs in a circle.

The layers, bottom to top (a module may import from its own layer and the layers below it):

    0  backend, dtypes, sizes, hooks, random, printing, threads, cuda,  what arrays and devices are;
       parallel                                                        the CPU thread pool
    1  tensor                                                           what a Tensor is
    2  autograd                                                         graph, engine, grad mode
    3  creation, ops, tensor_methods, distributed                       every op; methods attached; collectives
    4  nn, serialization                                                layers and saving them
    5  optim                                                            optimisers, schedules
    6  utils, datasets, transforms, io, the package root                data and everything else
       viz, profiler                                                    instruments that watch autograd
    7  testing                                                          hypothesis strategies

The test parses every file of ``minitorch/`` with ``ast`` (nothing is imported), so a contributor
who adds an import that runs upward or closes a circle sees it here, with the file and line.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "minitorch"
MAX_LINES = 420  # "about 400": a file that grows past this wants splitting by idea

LAYERS = {
    "backend": 0, "dtypes": 0, "sizes": 0, "hooks": 0, "random": 0, "printing": 0, "threads": 0, "cuda": 0,
    "accelerator": 0, "backends": 0,  # tensor surface B: devices
    "parallel": 0, "memory": 0,  # speed: the CPU thread pool, the allocator's thresholds
    "tensor": 1,
    "autograd": 2,
    "creation": 3, "ops": 3, "tensor_methods": 3, "distributed": 3,
    "legacy": 3, "linalg": 3, "functional": 3,  # tensor surface B: legacy spellings, torch.linalg
    "nn": 4, "serialization": 4,
    "optim": 5,
    "utils": 6, "datasets": 6, "transforms": 6, "io": 6, "models": 6, "": 6,
    "viz": 6, "profiler": 6,  # instruments: graph drawing, profiler
    "testing": 7,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str) -> str:
    """The package module an import names (``from minitorch.ops.shape import view`` → ops.shape)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def imports_of(module: str) -> list:
    """(imported module, line) for every ``minitorch`` import in a module, TYPE_CHECKING ones aside."""
    tree = ast.parse(MODULES[module].read_text())
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(resolve(alias.name), node.lineno) for alias in node.names if alias.name.startswith("minitorch")]
        elif isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").startswith("minitorch"):
            found += [(resolve(f"{node.module}.{alias.name}"), node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name != module]


GRAPH = {module: imports_of(module) for module in MODULES}


def layer(module: str) -> int:
    room = module.split(".")[1] if "." in module else ""
    if room not in LAYERS:
        raise AssertionError(f"minitorch/{room}: a new room; give it a layer in tests/test_architecture.py")
    return LAYERS[room]


def test_no_import_runs_upward() -> None:
    upward = [
        f"{module} (layer {layer(module)}) imports {target} (layer {layer(target)}) on line {line}"
        for module, targets in GRAPH.items() for target, line in targets
        if layer(target) > layer(module)
    ]
    assert not upward, "imports that run from a lower layer to a higher one:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    """Depth-first search over the import graph; a back edge closes a circle."""
    state: dict = {}  # module -> "open" while on the current path, "done" after

    def visit(module: str, path: list) -> None:
        state[module] = "open"
        for target, _ in GRAPH[module]:
            if state.get(target) == "open":
                cycle = path[path.index(target):] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in GRAPH:
        if module not in state:
            visit(module, [module])


def test_importing_minitorch_keeps_optional_packages_out() -> None:
    """``import minitorch`` loads NumPy and nothing else outside the standard library and itself."""
    import subprocess
    import sys

    code = (
        "import sys, minitorch; "
        "print(sorted(m for m in ('cupy', 'torch', 'hypothesis', 'PIL', 'mpi4py', 'graphviz') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=PACKAGE.parent)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_files_stay_short(module: str) -> None:
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{MODULES[module].name} has {lines} lines; split it by idea"
