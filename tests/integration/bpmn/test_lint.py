"""The diagrams Concerto ships pass bpmnlint with the project's .bpmnlintrc (the rules the
diagram editor applies on every save): no error, warnings allowed. A diagram breaking an error
rule is refused, its element named."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from workflows import PROJECT_ROOT

BPMNLINT = PROJECT_ROOT / "node_modules" / ".bin" / "bpmnlint"
SHIPPED = sorted((PROJECT_ROOT / "bpmn").rglob("*.bpmn"))


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    if not BPMNLINT.exists() or shutil.which("node") is None:
        if os.environ.get("CI"):
            pytest.fail("bpmnlint is missing (scripts/setup-env installs it from npm)")
        pytest.skip("bpmnlint is not installed")
    return subprocess.run([str(BPMNLINT), str(path)], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_diagrams_pass_the_project_lint_rules(path: Path) -> None:
    result = _lint(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " error " not in result.stdout


def test_a_diagram_breaking_a_rule_is_refused_with_its_element(tmp_path: Path) -> None:
    diagram = (PROJECT_ROOT / "bpmn" / "changes" / "version_change.bpmn").read_text()
    broken = diagram.replace(  # a gateway's flow without condition nor default
        'default="flow_sent_back"', ""
    )
    path = tmp_path / "broken.bpmn"
    path.write_text(broken)
    result = _lint(path)
    assert result.returncode != 0
    assert "flow_sent_back" in result.stdout and "conditional-flows" in result.stdout
