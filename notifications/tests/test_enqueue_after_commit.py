"""Tasks are enqueued only after the transaction commits: any `.delay(` or
`.apply_async(` in the project's code must sit inside `transaction.on_commit(...)`;
otherwise use `delay_on_commit` / `apply_async_on_commit`."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "migrations", "static", "staticfiles", ".data"}


def offenders_in(source: str, name: str = "<source>") -> list[str]:
    tree = ast.parse(source)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node

    def inside_on_commit(node: ast.AST) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.Call):
                func = node.func
                called = (
                    func.attr
                    if isinstance(func, ast.Attribute)
                    else getattr(func, "id", "")
                )
                if called == "on_commit":
                    return True
        return False

    return [
        f"{name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("delay", "apply_async")
        and not inside_on_commit(node)
    ]


def project_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIP.intersection(path.relative_to(ROOT).parts)
    ]


def test_the_checker_finds_an_enqueue_outside_on_commit() -> None:
    source = (
        "from django.db import transaction\n"
        "def ok():\n"
        "    transaction.on_commit(lambda: task.delay(1))\n"
        "    task.delay_on_commit(1)\n"
        "def bad():\n"
        "    task.delay(1)\n"
        "    task.apply_async(args=[1], countdown=5)\n"
    )
    assert offenders_in(source) == ["<source>:6", "<source>:7"]


def test_no_task_is_enqueued_outside_on_commit() -> None:
    files = project_files()
    assert len(files) > 100  # the scan really reads the project
    offenders = [
        hit
        for path in files
        for hit in offenders_in(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert offenders == []
