"""The test tree mirrors the source, the same way for every context (docs/development.md).

Teams learn taskhub by copying a context, tests included, so a context whose tests sit
somewhere else teaches a layout the others contradict. The rules:

- `tests/unit/` holds one folder per context plus `platform/` and `shared_kernel/`;
- `tests/integration/` holds one folder per context (its API, SQL and end-to-end tests)
  plus `platform/` (what every context shares) and `concurrency/` (races across contexts);
- every context has both its folders, and every test module sits in one of them.

Folders count by the Python files they hold, so a `__pycache__` left behind by a checkout
of an older layout is not mistaken for a test folder.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = ROOT / "src" / "taskhub" / "contexts"
TESTS = ROOT / "tests"
SHARED_FOLDERS = {
    "unit": {"platform", "shared_kernel"},
    "integration": {"platform", "concurrency"},
}


def contexts() -> set[str]:
    return {init.parent.name for init in CONTEXTS.glob("*/__init__.py")}


def folders_holding_code(kind: str) -> set[str]:
    """The folders of `tests/<kind>/` that hold Python files (at any depth)."""
    return {
        folder.name
        for folder in (TESTS / kind).iterdir()
        if folder.is_dir() and any("__pycache__" not in path.parts for path in folder.rglob("*.py"))
    }


def test_the_contexts_are_found() -> None:
    assert {"identity", "tenancy", "work"} <= contexts()


@pytest.mark.parametrize("kind", sorted(SHARED_FOLDERS))
def test_every_test_folder_is_a_context_or_a_shared_one(kind: str) -> None:
    allowed = contexts() | SHARED_FOLDERS[kind]
    strays = sorted(folders_holding_code(kind) - allowed)
    assert not strays, (
        f"tests/{kind}/ has folders that are neither a context nor one of "
        f"{sorted(SHARED_FOLDERS[kind])}: {strays}; move their tests into "
        f"tests/{kind}/<context>/ (see docs/development.md, 'Test layout')"
    )


@pytest.mark.parametrize("kind", sorted(SHARED_FOLDERS))
def test_every_context_has_its_test_folder(kind: str) -> None:
    missing = sorted(
        context
        for context in contexts()
        if not (TESTS / kind / context / "__init__.py").is_file()
        or not any((TESTS / kind / context).glob("test_*.py"))
    )
    assert not missing, (
        f"contexts without tests in tests/{kind}/<context>/ (a package with test_*.py "
        f"modules): {missing}"
    )


def test_no_integration_test_sits_outside_a_folder() -> None:
    loose = sorted(path.name for path in (TESTS / "integration").glob("test_*.py"))
    assert not loose, (
        f"tests/integration/ holds test modules of no folder: {loose}; a context's go in "
        f"tests/integration/<context>/, the rest in tests/integration/platform/"
    )


def test_every_test_folder_is_a_package() -> None:
    """Tests import each other by package path (`tests.integration.work.conftest`); under
    `--import-mode=importlib` pytest loads a module by that same name only inside a
    package, so a folder without `__init__.py` could have its modules loaded twice."""
    missing = sorted(
        str(folder.relative_to(ROOT))
        for folder in TESTS.rglob("*")
        if folder.is_dir()
        and "__pycache__" not in folder.parts
        and any(folder.glob("*.py"))
        and not (folder / "__init__.py").is_file()
    )
    assert not missing, f"test folders without __init__.py: {missing}"
