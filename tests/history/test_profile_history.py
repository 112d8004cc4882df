"""History and `docgen diff` read each version on the repository's profile (docgen.yaml): a file valid only under
the repository's own forms has its figures computed and compared, and each side of a diff uses its own docgen.yaml."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from docgen.check.profile import profile_of
from docgen.cli import cli
from docgen.history.timeline import read_history
from docgen.workspace import Workspace
from tests.history.gitrepo import PROJECT, PROJECT_PATH, ROSTER, ROSTER_PATH, GitRepo

#: A repository's own profile: the default forms with 中央财政资金 renamed 上级补助资金.
OWN = """\
extends: shuozhou-city
id: ours
name: 某县表样
level: 县级
forms:
  project:
    blocks:
      - ident:
          rows:
            - [{first: 0, last: 1, label: 项目名称}, {first: 2, last: 12, field: name}]
      - budget:
          label: 项目资金预算安排及执行进度（万元）
          tables:
            - {number: "", field: funds, key: 资金, rows: [上级补助资金, 单位自筹资金], caption: "表{number}  资金", row_heading: 资金来源}
      - text: {label: 项目年度绩效目标, field: target}
      - indicators: {label: 绩效指标}
      - notes: {}
"""
RENAMED = PROJECT.replace("中央财政资金", "上级补助资金")


def test_history_reads_each_version_on_the_repository_profile(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)
    repo.write("docgen.yaml", "profile: profiles/ours.yaml\n")
    repo.write("profiles/ours.yaml", OWN)
    repo.write(ROSTER_PATH, ROSTER)
    repo.write(PROJECT_PATH, RENAMED)
    repo.commit("首次报送")
    repo.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 100")
    repo.commit("更新支出数")
    profile = profile_of(Workspace.at(tmp_path))
    ours = read_history(tmp_path, cache_dir=False, profile=profile).timelines[PROJECT_PATH]
    default = read_history(tmp_path, cache_dir=False).timelines[PROJECT_PATH]
    figure = [c for c in ours.entries[-1].changes if c.kind == "figure"]
    assert any("上级补助资金" in c.field and c.after == "50.00%" for c in figure), figure
    assert ours.entries[-1].valid and not default.entries[-1].valid  # invalid under the default forms
    assert not [c for c in default.entries[-1].changes if c.kind == "figure"]


def test_diff_reads_each_side_on_its_own_profile(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)
    repo.write("docgen.yaml", "profile: profiles/ours.yaml\n")
    repo.write("profiles/ours.yaml", OWN)
    repo.write(ROSTER_PATH, ROSTER)
    repo.write(PROJECT_PATH, RENAMED)
    repo.commit("首次报送")
    repo.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 100")
    result = CliRunner().invoke(cli, ["diff", "--root", str(tmp_path), "--format", "json", "HEAD"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    changes = [c for f in data["submissions"] for c in f["changes"]]
    assert any(c["kind"] == "figure" and "上级补助资金" in c["field"] for c in changes), changes
    assert "E2" not in result.stdout  # valid on both sides: the schema is the profile's
