"""The import contracts really bite: seeded violations make `lint-imports` fail.

Each case copies the source tree, plants one violation and runs the real linter on the
copy; the unmodified copy must pass, so a failure is the violation's doing.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("boundaries")
    shutil.copytree(ROOT / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tools", target / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "importlinter.ini", target / "importlinter.ini")
    return target


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "COLUMNS": "300"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", "importlinter.ini", "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "tree"
    shutil.copytree(pristine, copy)
    return copy


def test_the_real_tree_keeps_every_contract(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken_contract"),
    [
        pytest.param(
            "contexts/identity/domain/leak.py",
            "import sqlalchemy\n",
            "import no framework",
            id="domain-imports-sqlalchemy",
        ),
        pytest.param(
            "contexts/work/application/peek.py",
            "from taskhub.contexts.identity.domain import user\n",
            "only through their public packages",
            id="context-imports-another-contexts-domain",
        ),
        pytest.param(
            "contexts/tenancy/adapters/peek.py",
            "from taskhub.contexts.identity.adapters.sql import tables\n",
            "only through their public packages",
            id="adapter-imports-another-contexts-adapter",
        ),
        pytest.param(
            "contexts/identity/domain/upward.py",
            "from taskhub.contexts.identity.application import ports\n",
            "Each context is layered",
            id="domain-imports-application",
        ),
        pytest.param(
            "contexts/identity/application/platformed.py",
            "from taskhub.platform import settings\n",
            "import no framework",
            id="application-imports-platform",
        ),
        pytest.param(
            "platform/reaches_up.py",
            "from taskhub.contexts.identity import container\n",
            "entrypoints > bootstrap > contexts > platform",
            id="platform-imports-a-context",
        ),
        pytest.param(
            "contexts/work/helpers/__init__.py",
            "",
            "Each context is layered",
            id="a-package-that-is-no-layer",
        ),
        pytest.param(
            "contexts/billing/domain/__init__.py",
            "",
            "Missing layer in container 'taskhub.contexts.billing'",
            id="a-new-context-must-have-every-layer",
        ),
    ],
)
def test_a_seeded_violation_breaks_its_contract(
    tree: Path, module: str, source: str, broken_contract: str
) -> None:
    path = tree / "src" / "taskhub" / module
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in path.relative_to(tree / "src").parents:
        init = tree / "src" / parent / "__init__.py"
        if parent != Path(".") and not init.exists():
            init.write_text("")
    path.write_text(source)
    result = lint(tree)
    assert result.returncode != 0
    if broken_contract.startswith("Missing layer"):
        assert broken_contract in " ".join(result.stdout.split()), result.stdout
    else:
        verdicts = [line.strip() for line in result.stdout.splitlines() if broken_contract in line]
        assert any(line.endswith("BROKEN") for line in verdicts), result.stdout


def test_a_new_context_is_checked_from_its_first_commit(tree: Path) -> None:
    context = tree / "src" / "taskhub" / "contexts" / "billing"
    for layer in ("public", "domain", "application", "adapters"):
        (context / layer).mkdir(parents=True)
        (context / layer / "__init__.py").write_text("")
    (context / "__init__.py").write_text("")
    (context / "container.py").write_text("")
    assert lint(tree).returncode == 0
    (context / "domain" / "invoice.py").write_text("import falcon\n")
    (context / "application" / "peek.py").write_text(
        "from taskhub.contexts.identity.domain import user\n"
    )
    result = lint(tree)
    assert result.returncode != 0
    report = " ".join(result.stdout.split())
    assert "taskhub.contexts.billing.domain.invoice -> falcon" in report
    assert "billing.application.peek -> taskhub.contexts.identity.domain.user" in report
