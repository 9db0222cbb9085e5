"""The deployment files agree with the code.

.env.example documents every variable the project reads and nothing else; the compose
file and the Dockerfile keep their production shape. Variable names come from parsing
the code, so a new setting without documentation fails here.
"""

import ast
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "socialdomain" / "settings.py"
DEV_SCRIPT = ROOT / "scripts" / "dev.py"
ENV_EXAMPLE = ROOT / ".env.example"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

ENV_READERS = {"env", "env_bool", "env_int", "env_list"}
APP_SERVICES = {"migrate", "web", "worker", "beat"}
LONG_RUNNING_SERVICES = {"postgres", "redis", "web", "worker", "beat"}
ASSIGNMENT = re.compile(r"([A-Z][A-Z0-9_]*)=")
# ${NAME}, ${NAME:-default}, ${NAME:?error}; `$${NAME}` is escaped and left to the shell.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")


def setting_variables() -> set[str]:
    """Names passed to env(), env_bool(), env_int() and env_list() in the settings."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ENV_READERS
        ):
            continue
        name = node.args[0] if node.args else None
        # A computed name would be invisible to this check, so it is not allowed.
        assert isinstance(name, ast.Constant) and isinstance(name.value, str), (
            f"settings.py line {node.lineno}: read a variable by its literal name"
        )
        names.add(name.value)
    return names


def _is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def dev_script_variables() -> set[str]:
    """Literal names read through os.environ.get() or os.environ[...] in scripts/dev.py.

    os.environ.setdefault() is left out: the script sets those for its own children.
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(DEV_SCRIPT.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and _is_os_environ(node.func.value)
            and node.args
        ):
            key = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            key = node.slice
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def compose_variables() -> set[str]:
    """Variables docker-compose.yml takes from .env: the compose-only ones."""
    return set(INTERPOLATION.findall(COMPOSE_FILE.read_text()))


def env_example_variables(path: Path) -> list[str]:
    names: list[str] = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = ASSIGNMENT.match(line)
        assert match, f"{path.name}: not a NAME=value line: {line!r}"
        names.append(match.group(1))
    return names


def undocumented_setting_variables(path: Path) -> set[str]:
    return setting_variables() - set(env_example_variables(path))


def unknown_env_example_variables(path: Path) -> set[str]:
    known = setting_variables() | dev_script_variables() | compose_variables()
    return set(env_example_variables(path)) - known


def compose_services() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def command_words(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [str(w) for w in command]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined, comments left out."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def test_settings_scan_finds_the_variables_settings_cannot_start_without() -> None:
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= setting_variables()


def test_env_example_lists_every_setting_variable() -> None:
    assert undocumented_setting_variables(ENV_EXAMPLE) == set()


def test_env_example_lists_every_variable_of_the_dev_script() -> None:
    assert dev_script_variables() - set(env_example_variables(ENV_EXAMPLE)) == set()


def test_env_example_lists_every_variable_the_compose_file_uses() -> None:
    assert compose_variables() - set(env_example_variables(ENV_EXAMPLE)) == set()


def test_env_example_names_only_variables_the_project_reads() -> None:
    assert unknown_env_example_variables(ENV_EXAMPLE) == set()


def test_env_example_sets_each_variable_once() -> None:
    names = env_example_variables(ENV_EXAMPLE)
    assert sorted({name for name in names if names.count(name) > 1}) == []


def test_env_example_checks_catch_a_dropped_and_an_unknown_variable(
    tmp_path: Path,
) -> None:
    wrong = tmp_path / ".env.example"
    lines = ENV_EXAMPLE.read_text().splitlines()
    kept = [line for line in lines if not line.startswith("EMAIL_HOST=")]
    wrong.write_text("\n".join([*kept, "EMAIL_HOSTNAME=smtp.example.nl"]) + "\n")

    assert undocumented_setting_variables(wrong) == {"EMAIL_HOST"}
    assert unknown_env_example_variables(wrong) == {"EMAIL_HOSTNAME"}


def test_compose_file_defines_the_production_services() -> None:
    assert LONG_RUNNING_SERVICES | APP_SERVICES <= set(compose_services())


def test_app_services_are_built_from_the_dockerfile() -> None:
    services = compose_services()
    for name in APP_SERVICES:
        build = services[name].get("build")
        if isinstance(build, str):
            build = {"context": build}
        assert build, f"{name} is not built from this repository"
        context = (ROOT / build["context"]).resolve()
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile == DOCKERFILE, f"{name} is built from {dockerfile}"


def test_long_running_services_have_a_healthcheck() -> None:
    services = compose_services()
    for name in LONG_RUNNING_SERVICES:
        healthcheck = services[name].get("healthcheck", {})
        assert healthcheck.get("test"), f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"


def test_redis_keeps_an_append_only_file() -> None:
    assert "--appendonly yes" in " ".join(command_words(compose_services()["redis"]))


def test_postgres_and_redis_run_the_supported_major_versions() -> None:
    services = compose_services()
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"


def test_exactly_one_beat_is_started() -> None:
    beats = {
        name: service
        for name, service in compose_services().items()
        if "beat" in command_words(service)
    }
    assert list(beats) == ["beat"]
    assert beats["beat"].get("scale", 1) == 1
    assert beats["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_dockerfile_installs_the_runtime_requirements_only() -> None:
    runs = [
        arguments
        for keyword, arguments in dockerfile_instructions()
        if keyword == "RUN"
    ]
    assert any(
        "pip install" in run and re.search(r"-r\s+requirements\.txt\b", run)
        for run in runs
    )
    assert "requirements-dev.txt" not in " ".join(
        arguments for _, arguments in dockerfile_instructions()
    )


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [
        arguments
        for keyword, arguments in dockerfile_instructions()
        if keyword == "USER"
    ]
    assert users, "the Dockerfile never switches away from root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
