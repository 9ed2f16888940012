"""The contract type tests/import_contracts.py adds: an import inside a function is allowed, one
that runs when the module is imported (directly or through another module) is not."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

CONFIG = """
[tool.importlinter]
root_packages = ["shop"]
contract_types = ["forbidden_when_imported: tests.import_contracts.ForbiddenWhenImportedContract"]

[[tool.importlinter.contracts]]
name = "The front never imports the back when imported"
type = "forbidden_when_imported"
source_modules = ["shop.front"]
forbidden_modules = ["shop.back"]
"""


def lint(tmp_path: Path, front: str) -> subprocess.CompletedProcess:
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "back.py").write_text("VALUE = 1\n")
    (package / "middle.py").write_text("from shop import back\n")
    (package / "front.py").write_text(front)
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    # The project's root on the path, for tests.import_contracts; the shop in the cwd.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


def test_an_import_inside_a_function_is_allowed(tmp_path):
    result = lint(tmp_path, "def later():\n    from shop import back\n    return back.VALUE\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_at_import_time_is_refused_also_through_another_module(tmp_path):
    result = lint(tmp_path, "from shop import middle\n")
    assert result.returncode == 1
    assert "shop.front -> shop.middle" in result.stdout and "0 kept, 1 broken" in result.stdout
