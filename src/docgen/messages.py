"""Every Chinese message a user sees, keyed by a stable code.

E1xx reading the file, E2xx the schema, E3xx the business rules, W3xx/W4xx warnings.
Tests assert codes; the wording can change here without touching code.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, str] = {
    # E1xx: reading the file
    "E100": "无法读取文件：{detail}",
    "E101": "文件不是 UTF-8 编码（第一个无法识别的字节是 {byte}）。请在编辑器中选择“另存为 UTF-8”",
    "E102": "YAML 格式错误：{detail}",
    "E103": "键「{key}」重复出现（第 {first} 行已经写过），请删除或合并其中一处",
    "E104": "文件是空的，请参照模板填写（可用 docgen new 生成）",
    "E105": "文件内容应为「键: 值」形式的表单，而不是单个值或列表",
    "E106": "不支持 YAML 合并键「<<」，请直接写出各项",
    "E107": "无法判断文件类型：{detail}",
    # E2xx: the schema
    "E201": "缺少必填项「{key}」",
    "E202": "「{key}」未填写",
    "E203": "不认识的项「{key}」{hint}",
    "E204": "「{field}」应填写{expected}，实际填写的是「{value}」{hint}",
    "E205": "「{field}」的值「{value}」不是可选值。可选：{options}{hint}",
    "E206": "「{field}」最多保留两位小数（单位：万元），实际填写的是 {value}",
    "E207": "「{field}」不能小于 {limit}，实际填写的是 {value}",
    "E208": "「{field}」不能大于 {limit}，实际填写的是 {value}",
    "E209": "「{field}」不能为空",
    "E210": "「{field}」至少要填写 {limit} 项",
    "E211": "「{field}」格式不对：{detail}",
    "E212": "「{field}」不符合要求：{detail}",
    # E3xx: business rules
    "E301": "资金总额「{column}」填写为 {stated}，但各行之和为 {computed}（资金总额可不填，由系统计算）",
    "E302": "两张预算表的资金总额「{column}」不一致：按资金性质 {by_type}，按支出用途 {by_use}",
    "E303": "二级指标「{level2}」不属于一级指标「{level1}」。「{level1}」下的二级指标有：{options}",
    "E304": "完成目标可能性为“完全不可能”时，须在「备注」中提出拟采取的措施",
    "E305": "指标「{name}」与目标存在偏差（{reason}），须填写「偏差原因分析」：从决策、过程和管理等方面分析并说明理由",
    "E306": "文件所在目录「{directory}」表示 {dir_period}，但文件中填写的是 {file_period}",
    "E307": "文件所在目录「{directory}」表示主管部门代码 {dir_code}，但文件中填写的是「{file_code}」",
    "E308": "文件位置不符合规定：{detail}",
    "E309": "项目代码「{code}」重复：{other} 中已有同一代码的项目",
    "E310": "名单中部门代码「{code}」重复",
    # W3xx: warnings found while validating (do not block)
    "W301": "「{row}」{field} {value} 万元超过安排数 {arranged} 万元（超预算）",
    "W302": "项目代码「{code}」不在本期名单（{roster}）中，请核对代码或请主管部门更新名单",
    "W303": "「{field}」与名单不一致：名单中为 {roster_value}，本文件为 {file_value}",
    "W304": "本期没有名单文件（{roster}），无法核对应报项目",
    "W306": "佐证材料「{entry}」不存在（路径相对于本文件所在目录），请补交文件或改正路径",
    "X900": "docgen 内部错误（{detail}）。请加 --traceback 重新运行，并把输出报告给维护者",
    "W305": "下达数 {allocated} 万元超过本年预算 {budget} 万元（「{row}」）",
}

#: Chinese names of JSON types, for E204.
TYPE_NAMES = {
    "number": "数字",
    "integer": "整数",
    "string": "文字",
    "boolean": "true（是）或 false（否）",
    "object": "「键: 值」形式的若干项",
    "array": "列表（每项以「- 」开头）",
    "null": "空",
}

HINTS = {
    "did_you_mean": "，是不是「{suggestion}」？",
    "derived": "。「{key}」由系统自动计算（{rule}），无需填写，请删除此项",
    "amount_text": "。金额只填数字，不带单位、逗号或空格，如 12.5",
    "quote_code": "。代码请用引号括起来，如 \"{value}\"",
    "allowed_keys": "。此处可填写：{options}",
}

#: Labels used by the summary and the CLI.
LABELS = {
    "period": "{year}年1-{month}月",
    "period_single": "{year}年{month}月",
    "valid": "全部 {files} 个文件通过校验",
    "summary": "{files} 个文件：{errors} 个错误，{warnings} 个警告",
    "built": "已生成 {path}（{count} 份报送）",
    "created": "已创建 {path}，请填写后运行 docgen validate 校验",
    "exists": "文件已存在，未覆盖：{path}",
    "no_files": "没有找到报送文件：{path}",
    "deviation_expected": "全年预计完成情况 {expected} 达不到年度指标值 {target}",
    "deviation_likelihood": "完成目标可能性为“{likelihood}”",
}


def message(code: str, /, **args: Any) -> str:
    return MESSAGES[code].format(**args)


def hint(name: str, /, **args: Any) -> str:
    return HINTS[name].format(**args)


def label(name: str, /, **args: Any) -> str:
    return LABELS[name].format(**args)


# --- the status site (docgen site) ------------------------------------------------------------
# Labels the site's pages and the `site` command show. Page layouts live in templates/site/.

SITE: dict[str, str] = {
    "site_name": "预算绩效运行监控",
    "site_description": "市级部门预算绩效运行监控报送情况、监控数据和修改记录",
    "copyright": "由 docgen 根据 submissions/ 中的报送文件生成，涉密项目不在本站显示",
    "nav_home": "首页",
    "nav_periods": "各期报送情况",
    "nav_recent": "最近更新",
    "nav_guide": "填报指南",
    "nav_submit": "如何报送",
    "nav_rules": "监控规则",
    "nav_forms": "表样说明",
    "status_valid": "通过",
    "status_warning": "有警告",
    "status_error": "有错误",
    "status_missing": "未提交",
    "days_left": "还剩 {days} 天",
    "due_today": "今天截止",
    "overdue": "已过截止日期 {days} 天",
    "no_deadline": "本期没有名单，截止日期未知",
    "file_renamed": "文件由 {old} 移到 {new}",
    "file_deleted": "删除了报送文件 {path}",
    "roster_changed": "{period}名单",
    "no_git": "未读取修改记录：{reason}",
    "redacted": "＊＊＊",
    "built": "站点已生成：{path}（{pages} 个页面，{periods} 期，{submissions} 份报送；{errors} 份有错误）",
    "invalid_listed": "{count} 份报送有错误，已在站点中标为「有错误」",
    "mkdocs_missing": "未安装 MkDocs（mkdocs<2、mkdocs-material），无法生成站点。请运行 pip install -e . 后重试",
    "mkdocs_failed": "MkDocs 生成站点失败（退出码 {code}）：\n{output}",
    "leak": "内部错误：生成的页面中出现了涉密项目的信息（{where}），已停止生成",
}


def site_label(name: str, **args: Any) -> str:
    return SITE[name].format(**args)


# --- history and `docgen diff` (issue 4 item 4, issue 5 item 1) --------------------------------------

LABELS.update(
    {
        # git
        "git_missing": "找不到 git 命令。请先安装 git（如 apt-get install git）",
        "git_not_repo": "「{path}」不在 git 仓库中，无法读取修改历史。请在报送仓库内运行（或先 git init 并提交）",
        "git_failed": "git {command} 运行失败：{detail}",
        "git_bad_revision": "git 中找不到版本「{revision}」。请检查分支名或提交号；在 CI 中请拉取完整历史（如 actions/checkout 的 fetch-depth: 0）",
        # field-level changes
        "change_value": "{field} {before} → {after}",
        "change_added": "新增{group}「{item}」",
        "change_removed": "删除{group}「{item}」",
        "change_unreadable": "此版本无法读取：{detail}",
        "absent": "—",
        "yes": "是",
        "no": "否",
        "nth_item": "第{n}项",
        "item_separator": "；",
        "at_line": "第 {line} 行第 {column} 列：{message}",
        "figure_arranged": "安排数",
        "figure_allocation_rate": "下达率",
        "figure_spend_progress": "支出进度",
        # timeline statuses
        "status_added": "新增",
        "status_modified": "修改",
        "status_renamed": "重命名",
        "status_deleted": "删除",
        # docgen diff (Markdown for a pull-request comment)
        "diff_heading": "## 报送数据变更：{base} → {head}",
        "diff_worktree": "工作区（未提交）",
        "diff_nothing": "两个版本之间，报送数据没有变化。",
        "diff_summary": "共 {files} 份报送有变化：新增 {added} 份，修改 {modified} 份，重命名 {renamed} 份，删除 {deleted} 份。"
                        "校验问题：新出现 {appeared} 个，已消除 {cleared} 个。",
        "diff_summary_unchanged": "另有 {count} 份报送内容未改，但校验问题有变化。",
        "diff_project": "{title}（{code}）",
        "diff_department": "{department} 部门整体",
        "diff_roster": "报送名单",
        "diff_status_added": "新增",
        "diff_status_modified": "修改",
        "diff_status_renamed": "重命名",
        "diff_status_deleted": "删除",
        "diff_status_unchanged": "问题有变化",
        "diff_confidential_mark": "〔涉密〕",
        "diff_confidential_note": "> 含涉密内容：以下内容仅供本部门审核，不得公开或转发。",
        "diff_file_line": "文件：{where}",
        "diff_col_kind": "类别",
        "diff_col_item": "内容",
        "diff_col_before": "修改前",
        "diff_col_after": "修改后",
        "diff_field": "填报",
        "diff_figure": "计算",
        "diff_file": "文件",
        "diff_unreadable": "无法读取",
        "diff_item_added": "新增：{summary}",
        "diff_item_removed": "已删除",
        "diff_item_was": "原有：{summary}",
        "diff_appeared": "新出现（第 {line} 行）",
        "diff_cleared": "已消除",
        "diff_line": "第 {line} 行",
        "diff_deleted_note": "文件已删除。",
        "diff_no_content_change": "内容没有变化。",
        "diff_footer": "<sub>由 docgen diff 生成：{base} → {head}。「计算」为系统按填报数计算的结果（万元、%）。</sub>",
        "diff_written": "已写入 {path}",
        "diff_truncated": "……另有 {count} 份报送的变化因评论长度所限未列出，完整内容请运行 docgen diff --format json 查看。",
    }
)


# --- tooling: docgen fmt, install-hook, validate --staged, CI reports (issue 5) ----------------

MESSAGES.update(
    {
        "F102": "无法在保留全部内容的前提下整理格式：{detail}。文件未改动",
    }
)

LABELS.update(
    {
        "fmt_value_changed": "整理后读出的数据与原文件不同（请把此文件报告给维护者）",
        "fmt_internal": "YAML 库无法处理此文件（{detail}），请把此文件报告给维护者",
        "fmt_comment_lost": "注释「{comment}」会丢失（写在花括号 {{…}} 或方括号 […] 里的注释无法保留，请把它移到单独一行）",
        "fmt_refused": "未格式化 {path}：请先改正上面的错误（文件未改动）",
        "fmt_would_change": "需要格式化：{path}",
        "fmt_changed": "已格式化：{path}",
        "fmt_check_summary": "{changed} 个文件需要格式化，{same} 个文件已是规范格式。运行 docgen fmt 整理",
        "fmt_summary": "{changed} 个文件已格式化，{same} 个文件无需改动",
        "fmt_refused_summary": "{refused} 个文件有错误，未格式化",
    }
)

LABELS.update(
    {
        "codequality_description": "{severity} {code} {message}（第 {line} 行第 {column} 列）",
        "staged_with_paths": "--staged 校验暂存区中的全部报送文件，不能同时指定路径",
        "staged_none": "暂存区中没有报送文件（submissions/ 下的 .yaml），无需校验",
        "hook_header": "# 由 docgen install-hook 安装：提交前校验暂存的报送文件（submissions/ 下的 .yaml）。\n"
        "# 卸载：docgen install-hook --uninstall；临时跳过：git commit --no-verify（CI 仍会校验）。",
        "hook_refused": "docgen：提交已取消。请按上面的提示修改文件，git add 后重新提交。",
        "hook_missing": "docgen：找不到 docgen，无法校验，提交已取消。请安装 docgen（pip install docgen），或用 git commit --no-verify 跳过。",
        "hook_installed": "已安装 git 钩子 {path}：每次提交前校验暂存的报送文件",
        "hook_backup": "原有的钩子已备份为 {path}（docgen install-hook --uninstall 时会恢复）",
        "hook_uninstalled": "已卸载 git 钩子 {path}",
        "hook_foreign": "{path} 已有别的 pre-commit 钩子，未覆盖。加 --force 覆盖（原钩子会备份）",
        "hook_foreign_framework": "{path} 由 pre-commit 框架管理，未覆盖。请在 .pre-commit-config.yaml 中加入 docgen-validate 钩子（见 README），"
        "或加 --force 改用 docgen 自己的钩子",
        "hook_not_installed": "{path} 不存在：没有安装钩子",
        "hook_not_ours": "{path} 不是 docgen 安装的钩子，未删除",
    }
)
