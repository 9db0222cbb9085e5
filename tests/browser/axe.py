"""axe-core in the browser: the vendored npm package (tests/vendor/axe-core, see its
FETCHED.md) and the check that every axe test uses."""

from pathlib import Path

from playwright.sync_api import Page

AXE_PATH = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")


def axe(page: Page, where: str) -> list[str]:
    """The serious and critical violations of every axe rule on the page as it is.

    The context should load AXE_PATH as an init script (context.add_init_script), or
    bypass the CSP, which forbids the inline script that is injected otherwise."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE_PATH)
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    # A page on which axe checked nothing would pass for the wrong reason.
    assert result["passes"], f"{where}: axe checked no rule"
    return [
        f"{where}: {violation['id']} ({violation['impact']}): "
        + "; ".join(
            " ".join(str(part) for part in node["target"])
            for node in violation["nodes"][:3]
        )
        for violation in result["violations"]
        if violation["impact"] in SEVERE
    ]
