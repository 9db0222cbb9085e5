"""`bench/run.py --write FILE` rewrites the `## make bench` section of FILE and keeps
the rest; a FILE that does not exist yet is made with the section alone."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from run import write_section  # noqa: E402

SECTION = "## make bench\n\nnew figures\n"


def test_a_new_file_holds_the_section_alone(tmp_path: Path) -> None:
    path = tmp_path / "perf.md"

    write_section(path, SECTION)

    assert path.read_text() == SECTION


def test_the_section_is_replaced_and_the_sections_around_it_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "perf.md"
    path.write_text(
        "# Performance\n\n## Queue\n\nkept\n\n## make bench\n\nold figures\n"
        "\n## Later\n\nkept too\n"
    )

    write_section(path, SECTION)

    assert path.read_text() == (
        "# Performance\n\n## Queue\n\nkept\n\n## make bench\n\nnew figures\n"
        "\n## Later\n\nkept too\n"
    )


def test_a_file_without_the_section_gets_it_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "perf.md"
    path.write_text("# Performance\n\nkept\n\n\n")

    write_section(path, SECTION)

    assert path.read_text() == "# Performance\n\nkept\n\n" + SECTION
