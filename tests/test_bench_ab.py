"""bench/ab.py: two versions of the code, the same pages in turn; its table gives
each version's rate and CPU per request and the change between them, and a git
revision is checked out into a worktree that is removed again."""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from ab import checkout, remove_checkout, table  # noqa: E402
from run import Page  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def test_the_table_gives_both_rates_the_change_and_cpu_per_request() -> None:
    old = Page("Queue", "/casework/queue/", latencies=[0.01] * 200, seconds=2.0)
    old.server_cpu, old.database_cpu = 1.2, 0.4
    new = Page("Queue", "/casework/queue/", latencies=[0.01] * 250, seconds=2.0)
    new.server_cpu, new.database_cpu, new.errors = 1.25, 0.25, 1

    row = table([old], [new]).splitlines()[2]

    assert row == "| Queue | 100.0 | 125.0 | +25.0% | 6.00 + 2.00 | 5.00 + 1.00 | 0/1 |"


def test_a_revision_is_checked_out_beside_and_removed_again(tmp_path: Path) -> None:
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    tree, checked_out = checkout("HEAD", tmp_path)
    try:
        assert checked_out
        assert (tree / "bench" / "run.py").exists()
        assert (tree / ".venv").resolve() == (ROOT / ".venv").resolve()
        found = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=tree, capture_output=True, text=True
        ).stdout.strip()
        assert found == head
    finally:
        remove_checkout(tree)
    assert not tree.exists()
    assert checkout(str(tmp_path), tmp_path) == (tmp_path.resolve(), False)
