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
    # E108-E114: the bounds of limits.py; a real file never comes near them
    "E108": "文件太大（{size}，上限 {limit}），不再读取。报送文件一般只有几 KiB，名单一般不过几 MiB；请检查是否误粘贴了大量内容",
    "E109": "不支持 YAML 锚点「&」和引用「*」，请直接写出各项（值以 & 或 * 开头时请用引号括起来）",
    "E110": "层级太深（超过 {limit} 层），不再读取。请检查缩进和括号",
    "E111": "列表有 {count} 项，超过上限 {limit} 项，不再读取",
    "E112": "此处有 {count} 个键，超过上限 {limit} 个，不再读取",
    "E113": "数字「{value}」太长或太大（最多 {limit} 位数字）。金额以万元为单位，请核对",
    "E114": "文字太长（{count} 个字符，上限 {limit} 个），请精简或核对是否误粘贴",
    # E2xx: the schema
    "E201": "缺少必填项「{key}」",
    "E202": "「{key}」未填写",
    "E203": "不认识的项「{key}」{hint}",
    "E204": "「{field}」应填写{expected}，实际填写的是「{value}」{hint}",
    "E205": "「{field}」的值「{value}」不是可选值。可选：{options}{hint}",
    "E206": "「{field}」最多 {places} 位小数（单位：万元，表上显示两位；80元 写 0.008），实际填写的是 {value}",
    "E207": "「{field}」不能小于 {limit}，实际填写的是 {value}",
    "E208": "「{field}」不能大于 {limit}，实际填写的是 {value}",
    "E209": "「{field}」不能为空",
    "E210": "「{field}」至少要填写 {limit} 项",
    "E211": "「{field}」格式不对：{detail}",
    "E212": "「{field}」不符合要求：{detail}",
    "E213": "「{field}」太长：最多 {limit} 个字，实际 {count} 个字",
    "E220": (
        "「{field}」太长：表格的一格最多放 {limit} 个字（Excel 一行最高 409 磅，打印时一行不能跨页，多出的会被截掉），"
        "实际 {count} 个字。请精简，详细情况写入附件1的相应部分"
    ),
    "E214": "「{field}」中有不可见的控制字符（{char}），生成的 Word/Excel 文件会无法打开，请删除",
    "E217": "「{field}」中有不可见的格式字符（{char}，如零宽空格、文字方向控制符），看上去相同的文字会被当作不同的文字，请删除",
    "E218": "「{field}」只能由英文字母、数字和 - _ . 组成，第 {index} 个字符「{char}」（{code}）不是",
    "E219": "「{field}」不能小于 {limit}（实际填写的是 {value}）："
    "涉密项目不足 {limit} 个时，公开的合并金额或部门合计就能推算出单个涉密项目的金额。只能调高，不能调低",
    "E216": "此文件问题太多，只列出了前 {limit} 个。请先改正这些，再重新校验",
    "E215": "「{field}」的日期「{value}」不存在，请填写实际日期，如 2025-07-31",
    # E3xx: business rules
    "E301": "资金总额「{column}」填写为 {stated}，但各行之和为 {computed}（资金总额可不填，由系统计算）",
    "E302": "两张预算表的资金总额「{column}」不一致：{first} {first_sum}，{second} {second_sum}",
    "E303": "二级指标「{level2}」不属于一级指标「{level1}」。「{level1}」下的二级指标有：{options}",
    "E304": "完成目标可能性为“完全不可能”时，须在「备注」中提出拟采取的措施",
    "E305": "指标「{name}」与目标存在偏差（{reason}），须填写「偏差原因分析」：从决策、过程和管理等方面分析并说明理由",
    "E750": "完成目标可能性为“{likelihood}”时，须在「{where}」中提出拟采取的措施（本表式的要求）",
    "E751": "指标「{name}」与目标存在偏差（{reason}），须在「{where}」中说明原因（本表式的要求）",
    "E306": "文件所在目录「{directory}」表示 {dir_period}，但文件中填写的是 {file_period}",
    "E307": "文件所在目录「{directory}」表示主管部门代码 {dir_code}，但文件中填写的是「{file_code}」",
    "E308": "文件位置不符合规定：{detail}",
    "E309": "项目代码「{code}」重复：{other} 中已有同一代码的项目",
    "E310": "名单中部门代码「{code}」重复",
    "E315": "名单中部门「{code} {name}」与「{other_code} {other_name}」的附件会放进同一个文件夹 {folder}/，"
    "一个部门的报送包和汇总表会盖掉另一个的：请改部门名称或代码，使两者可以区分",
    "E312": "正式报送（--strict）须填报全部数据：本文件已填报 {reported}/{total} 项，尚有 {missing} 项为「未填报」",
    "E313": "未填写的模板不能报送：{detail}",
    "E311": "「涉密」与名单不一致：本文件填写为 {file_value}，名单 {roster}:{line}:{column} 中为 {roster_value}。"
    "两处须一致；在改正之前，本项目按涉密项目处理（不生成公开附件，不上站点）",
    "E314": "「{row}」的明细各项金额合计 {summed} 万元，与本行安排数 {arranged} 万元、本年预算 {budget} 万元都不一致"
    "（明细是本行资金的分解，合计须等于其中之一）",
    # W3xx: warnings found while validating (do not block); W4xx monitoring warnings are in check/rulebook.py
    "W302": (
        "项目代码「{code}」不在本期名单（{roster}）中，请核对代码或请主管部门更新名单；名单列出之前，本项目按涉密项目处理，"
        "不公开（附件、报送包、汇总表、summary.json、站点和 docgen diff 中只计个数，不列名称和金额）"
    ),
    "W304": "本期没有名单文件（{roster}），无法核对应报项目",
    "W311": "「监控项目数」填写为 {stated} 个，但本期名单（{roster}）列出本部门应报项目 {listed} 个，请核对",
    "W312": "「监控项目数」填写为 {stated} 个，但本部门本期已报送 {submitted} 个项目，请核对",
    "W314": "本期名单文件 {roster} 有错误（第 {line} 行第 {column} 列），无法读取，因此未核对应报项目；请先修正名单",
    "W308": "「{field}」还是模板中的提示文字「{value}」，请填写实际内容",
    "W307": "「{row}」各项都是 0：没有这项{heading}时请整行删除",
    "W310": (
        "所有金额都是 0：这是未填写的模板，不是报送（可以用 docgen validate 校验草稿，"
        "但提交前检查、CI 和 docgen build 都会拒绝它，不会生成报送包）；尚未取得的数字请填「未填报」"
    ),
    "W315": "「{field}」填写的是「{value}」，是不是「未填报」？尚未取得的数值请填「未填报」"
    "：按未填报处理，不亮灯、不计入已填报，也不写进文稿",
    "W316": "「{row}」支出数 {spent} 万元加已审批待支付 {pending} 万元，超过{what} {limit} 万元：请核对已审批待支付"
    "（监控时待支付只计到安排数为止，不会因此变为绿灯）",
    "W317": "指标「{name}」完成目标可能性为“确定能”，但全年预计完成情况 {expected} {miss}年度指标值 {target}："
    "请核对完成目标可能性或全年预计完成情况（文稿不会写“预计能够完成”）",
    "I301": "指标「{name}」完成目标可能性为“完全不可能”，但全年预计完成情况 {expected} 已达到年度指标值 {target}，请核对",
    "W306": "佐证材料「{entry}」不存在（路径相对于本文件所在目录），请补交文件或改正路径",
    "X900": "docgen 内部错误（{detail}）。请加 --traceback 重新运行，并把输出报告给维护者",
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
    "amount_text": "。金额只填以万元为单位的数字（不带逗号或空格），如 12.5；以元或亿元计的金额请先换算成万元",
    "amount_yuan": "。表中金额以万元为单位：{typed} = {wan}万元，请填写 {wan}（只删去「元」字会把它当作 {number}万元）",
    "amount_wan": "。表中金额本就以万元为单位：请只填数字 {number}",
    "amount_yi": "。表中金额以万元为单位：{typed} = {wan}万元，请填写 {wan}",
    "quoted_number": "。数字不要加引号，如 本年预算: 140",
    "thousands": "。金额不能带千位分隔符（逗号）：请写成 {plain}（从 Excel 复制的数字常带逗号；有些地区用逗号作小数点，docgen 不替您猜）",
    "thousands_cut": (
        "。金额不能带千位分隔符（逗号）：请删去数字里的每个逗号（这一行在 {{…}} 里，数字被 YAML 从逗号处拆开，"
        "重复的几段只剩一段，docgen 读不全它）"
    ),
    "fullwidth_number": "。请用半角数字（切换输入法到英文状态），如 140",
    "whole": "。不要带小数点，如 年度: 2025",
    "quote_code": '。代码请用引号括起来，如 "{value}"',
    "allowed_keys": "。此处可填写：{options}",
}

#: Labels used by the summary and the CLI.
LABELS = {
    "fullwidth_colon_key": "「{key}」后面用了全角冒号“：”，请改成半角冒号加空格，写成「{key}: 值」",
    "colon_without_space": "「{key}」后面的冒号“:”与值之间缺少空格，请写成「{key}: 值」",
    "period": "{year}年1-{month}月",
    "pending_arranged": "安排数",
    "pending_allocated": "下达数加上年结转",
    "period_single": "{year}年{month}月",
    "valid": "全部 {files} 个文件通过校验",
    "summary": "{files} 个文件：{errors} 个错误，{warnings} 个警告",
    "built": "已生成 {path}（{count} 份报送）",
    "staged_several_projects": "暂存区中有多个项目的报送文件（{roots}）：请分别进入各项目目录运行 docgen validate --staged",
    "nothing_built": "有 {errors} 个错误，未生成任何文件（{path} 保持原样）；修正错误后重新运行 docgen build",
    "errors_again": "—— 以上是警告；必须先修正的错误（{count} 个）再列一次：",
    "created": "已创建 {path}，请填写后运行 docgen validate 校验",
    "exists": "文件已存在，未覆盖：{path}",
    "period_form": "--period「{period}」应写成 2025-06 这样的形式（年份-月份）",
    "period_month": "--period「{period}」的月份 {month} 不在 1 到 12 之间：监控期间写截至的月份，如 2025-06（2025年1-6月）",
    "new_no_roster": "注意：本期还没有名单文件 {roster}，请核对 --period 是否写对；名单由{bureau}维护",
    "new_roster_broken": "注意：本期名单文件 {roster} 有错误（第 {line} 行第 {column} 列），未能从中读取部门和项目；请先修正名单",
    "new_department_not_listed": "注意：名单 {roster} 中没有主管部门代码「{code}」，请核对 --department-code",
    "new_project_not_listed": "注意：名单 {roster} 中没有项目代码「{code}」，请核对 --code，或请主管部门把项目加入名单",
    "no_files": "没有找到报送文件：{path}",
    "no_workspace": "找不到项目根目录：从 {path} 向上逐级查找，没有哪一级含有 {folder}/ 文件夹（请在项目目录中运行，或用 --root 指定）",
    "cleaned_cache": "已删除缓存：{path}",
    "cleaned_output": "已删除：{path}",
    "cleaned_nothing": "没有需要删除的内容（缓存位置：{path}）",
    "deviation_expected": "全年预计完成情况 {expected} 达不到年度指标值 {target}",
    "deviation_above": "全年预计完成情况 {expected} 超出年度指标值 {target} 的区间",
    "expected_short": "达不到",
    "expected_above": "超出",
    "deviation_likelihood": "完成目标可能性为“{likelihood}”",
    "pending_note": "，另有已审批待支付 {pending} 万元已计入",
    "background_failed": "生成汇总表的子进程出错（退出码 {code}），汇总表保留上次的版本。请加 --traceback 重新运行并把输出报告给维护者",
}


def message(code: str, /, **args: Any) -> str:
    """The Chinese text of a finding code, filled in."""
    return MESSAGES[code].format(**args)


def hint(name: str, /, **args: Any) -> str:
    """A Chinese hint appended to a finding, filled in."""
    return HINTS[name].format(**args)


def label(name: str, /, **args: Any) -> str:
    """A Chinese label or status line of the commands, filled in."""
    return LABELS[name].format(**args)


# --- the status site (docgen site) ------------------------------------------------------------
# Labels the site's pages and the `site` command show. Page layouts live in site/templates/.

SITE: dict[str, str] = {
    "site_name": "预算绩效运行监控",
    "site_description": "{level}部门预算绩效运行监控报送情况、监控数据和修改记录",
    "copyright": "由 docgen 根据 submissions/ 中的报送文件生成，涉密项目不在本站显示",
    "guide_amount_key": "{header}（键「{key}」）",
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
    "withheld_change": "修改了部门整体报送（本部门涉密项目不足规定个数，修改内容和提交说明不公开）",
    "file_deleted": "删除了报送文件 {path}",
    "roster_changed": "{period}名单",
    "no_git": "未读取修改记录：{reason}",
    "shallow_note": (
        "本仓库是浅克隆（只取了最近 {count} 次提交），修改历史不完整：标为「最早可见」的一次是取得的最早版本，"
        "不一定是首次报送，更早的修改没有列出。请在 CI 中取完整历史（GitHub actions/checkout：fetch-depth: 0；"
        "GitLab：GIT_DEPTH: 0）。"
    ),
    "redacted": "＊＊＊",
    "built": "站点已生成：{path}（{pages} 个页面，{periods} 期，{submissions} 份报送；{errors} 份有错误）",
    "invalid_listed": "{count} 份报送有错误，已在站点中标为「有错误」",
    "mkdocs_missing": "未安装 MkDocs（mkdocs<2、mkdocs-material），无法生成站点。请运行 pip install -e . 后重试",
    "mkdocs_failed": "MkDocs 生成站点失败（退出码 {code}）：\n{output}",
    "unsafe_page": "内部错误：页面 {page} 含有可执行的内容（{problem}），说明报送文本未经转义就写入了页面，已停止发布站点",
    "unsafe_content": "HTML 清理会改动正文",
    "unreadable_index": "内部错误：站点的搜索索引 {page} 无法逐条读取（{reason}），无法检查其中的内容，已停止发布站点",
    "drafted": "（系统草拟）",
    "drafted_title": "报送文件未填写本部分，附件1中的这段文字由系统根据监控数据草拟，请单位核对修改",
    "completeness": "已填报 {reported}/{total} 项",
    "sum_excludes": "合计只含已填报的数字，有项目的部分数字为「未填报」，依赖这些数字的比率不计算。",
    "incomplete": "已填报 {reported}/{total} 项数据，另有 {missing} 项为「未填报」，未作评价；正式报送前须补填。",
    "unit": "万元",
    "unfilled_short": "模板未填写，不计为已提交",
    "unfilled": "这是未填写的模板（提示文字未改或金额全为 0），不计为已提交，不生成报送包。请按下面的提示填写文件",
    "form_grid_above": "绩效指标见上方监控表（本表式的栏目与朔州市表式不同，按本表式原样显示）。",
}


def site_label(name: str, **args: Any) -> str:
    """A Chinese label of the status site, filled in."""
    return SITE[name].format(**args)


# =======================================================================================

# Monitoring (issue 6): rules-file errors, lights, the drafted 「四、绩效监控结果分析」, roll-up workbooks.
# The warnings' own texts (W4xx) are declared with each rule (check/rulebook.py; a repository rewords them in
# schema/rules.yaml), not here.
# =====================================================================================================

MESSAGES.update(
    {
        "E320": "规则 {rule} 的「{field}」中有不认识的占位符 {{{name}}}。可用：{options}",
        "E321": "规则 {rule} 的「{field}」中的花括号不成对（占位符应写成 {{row}} 这样的形式）",
        "E322": "规则 {rule} 的阈值顺序不对：「{low}」{low_value} 不能大于「{high}」{high_value}",
        "E323": "找不到规则文件：{path}",
    }
)

SEVERITY_INFO = "提示"
#: How a finding's severity is printed, by the reporters (report.py) and on the status site.
SEVERITY = {"error": "错误", "warning": "警告", "info": SEVERITY_INFO}

#: Click's own framing (usage line, headings, its usage errors), said in Chinese by click_zh.py.
CLICK = {
    "usage": "用法：",
    "options_metavar": "[选项]",
    "subcommand_metavar": "命令 [参数]...",
    "help": "显示此帮助并退出。",
    "version": "显示版本号并退出。",
    "default": "默认：{default}",
    "required": "必填",
    "try_help": "运行「{command} {option}」查看帮助。",
    "error": "错误：{message}",
    "aborted": "已中止。",
    "missing_argument": "缺少参数 {hint}",
    "missing_option": "缺少选项 {hint}",
    "choose_from": "，可选：{choices}",
    "no_such_option": "没有选项 {name}",
    "no_such_command": "没有命令 {name}",
    "did_you_mean": "。是否想用：{possibilities}？",
    "needs_value": "选项 {name} 后面需要一个值",
    "takes_no_value": "选项 {name} 不带值",
    "extra_arguments": "多余的参数：{args}",
    "missing_command": "缺少命令。运行「{command} --help」查看全部命令",
    "bad_value": "{hint} 的值无效：{reason}",
    "not_a_choice": "「{value}」不是可选值，可选：{choices}",
    "not_a_number": "「{value}」不是整数",
    "out_of_range": "{value} 超出允许的范围（{range}）",
    "not_a_date": "「{value}」不是日期，应写成 2025-07-20 这样的格式",
    "path_missing": "「{value}」不存在",
    "path_is_file": "「{value}」是文件，这里应是文件夹",
    "path_is_dir": "「{value}」是文件夹，这里应是文件",
}

#: Headings and placeholders of Click's help, and the names it gives the kinds of value.
CLICK_WORDS = {
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "DIRECTORY": "目录",
    "FILE": "文件",
    "PATH": "路径",
    "PATHS": "路径",
    "INTEGER RANGE": "整数",
    "INTEGER": "整数",
    "TEXT": "文本",
}

#: Light names as people say them.
LIGHT_NAMES = {"red": "红灯", "yellow": "黄灯", "blue": "蓝灯", "green": "绿灯", "grey": "未评价", "none": "未监控"}

#: What I402 (未填报，未评价) names: the figures, values or blocks stated 「未填报」 and what was therefore not judged.
UNREPORTED = {
    "row": "「{table}」中「{row}」的{fields}",
    "table": "「{table}」（整表）",
    "indicator": "指标「{name}」的{fields}",
    "block": "「绩效指标」",
    "skipped_row": "该行预算执行情况",
    "skipped_indicator": "该指标完成情况",
    "skipped_block": "绩效目标实现情况",
    "join": "、",
}

MONITOR_LABELS = {
    "yes": "是",
    "no": "否",
    "summary_info": "，{infos} 条提示",
    "hint": "仅提示",
    "rules_created": "已创建 {path}：内置默认规则的副本，可在其中调整阈值、灯和提示语",
    "rules_header": "代码\t类别\t名称\t灯或阈值\t启用\t科研类豁免",
    "rules_source": "规则来源：{sources}",
    "rollup_written": "已生成汇总表 {path}",
    "rollup_unchanged": "汇总表与上次生成时相同，未重新生成（{path}）",
    "check_submission": "{light}  {path}  {name}",
    "check_department": "{period} {code} {name}：{counts}",
    "count_part": "{light} {count}",
    "w414_column": "{field}（附件3 {stated} 万元，项目合计 {summed} 万元）",
    "w414_others": "；名单中另有 {parts}",
    "w414_missing": "{count} 个项目尚未报送",
    "w414_erroneous": "{count} 个项目的报送文件有错误（未计入合计）",
}

#: Sentences of the drafted 「四、绩效监控结果分析」 (conclusions.py), from the warnings engine, where the submission
#: leaves a section empty. Sections 一、（一）、（二） are drafted from the figures: DRAFT_NARRATIVE below.
DRAFT_ANALYSIS = {
    "conclusion_lead": "经监控，截至{year}年{month}月底，{subject}",
    "conclusion_exempt": "{subject}属于科研类项目，按规定可暂不开展年度中的绩效监控，本期未作预警评价。",
    "conclusion_budget": "资金安排{arranged}万元，已支出{spent}万元，支出进度{spend_progress}，序时进度{time_progress}",
    "conclusion_budget_empty": "本期无资金安排",
    "conclusion_indicators": "设置绩效指标{total}项",
    "conclusion_likely": "，预计{items}",
    "conclusion_likelihood": "{likelihood}完成{count}项",
    "conclusion_counts": "共发现{items}。",
    "conclusion_count": "{light}预警{count}项",
    "conclusion_budget_unreported": "资金执行数据（{fields}）未填报",
    "conclusion_indicators_unreported": "绩效指标未填报",
    "conclusion_indicators_unreported_count": "，另有{count}项的完成目标可能性未填报",
    "conclusion_completeness": "本期已填报{reported}/{total}项数据，未填报的数据未作评价。",
    "deviation_unreported": "已填报的数据未出现明显偏差；未填报的数据本期未作评价，不能据此判断是否存在偏差。",
    "problems_unreported": "已填报的数据中未发现明显问题。未填报的{missing}项数据须在正式报送前补填，届时再作评价。",
    "conclusion_pending": "（另有已审批待支付{pending}万元，计入后支出进度{rate}%）",
    "deviation_none": "本期预算执行和绩效目标实现情况与预期基本一致，未出现明显偏差。",
    # the headings inside a drafted section continue the report's ladder: 一、（一）1.（2）
    "deviation_budget": "预算执行方面。",
    "deviation_targets": "绩效目标方面。",
    "deviation_row": "{row}安排{subtotal}万元，已支出{spent}万元，支出进度{rate}，{versus}。",
    "deviation_row_unrated": "{row}安排{subtotal}万元，已支出{spent}万元。",
    "deviation_row_unreported": "{row}安排{subtotal}万元，{missing}未填报。",
    "deviation_row_unreported_all": "{row}的{missing}未填报。",
    "deviation_kinds": "主要表现为{names}。",
    "deviation_indicator": "{text}",
    "deviation_reason": "偏差原因：{reason}",
    "problems_none": "本期未发现明显问题。下一步将继续加强预算执行和绩效目标实现情况的日常监控，确保年度绩效目标如期实现。",
    "problems_lead": "存在的问题。",
    "problems_item": "出现“{name}”{light}预警{count}处。",
    "measures_lead": "整改措施和建议。",
    "measures_item": "{advice}",
    "measures_remark": "“{name}”指标预计无法完成年度目标，拟采取以下措施：{remark}",
    "separator": "；",
    "names_join": "、",
}

#: The numbering ladder of official documents (GB/T 9704): 「一、」「（一）」「1.」「（1）」, by depth (1-based).
LADDER = {1: "{number}、", 2: "（{number}）", 3: "{number}．", 4: "（{number}）"}
#: Chinese numerals for the first two levels of the ladder.
CHINESE_NUMERALS = "一二三四五六七八九十"


def ladder(depth: int, number: int) -> str:
    """The numbering at `depth` of the ladder: 「一、」「（二）」「3．」「（4）」 (Chinese numerals up to 十 for the first two)."""
    shown = CHINESE_NUMERALS[number - 1] if depth <= 2 and 1 <= number <= len(CHINESE_NUMERALS) else str(number)
    return LADDER[depth].format(number=shown)


#: The closing words of the drafted 监控总体结论, by the submission's light.
DRAFT_ANALYSIS_LIGHT = {
    "green": "总体运行正常，监控结果为绿灯。",
    "grey": "部分数据未填报，已填报的数据未发现预警，本期未作完整评价，暂不能判断能否完成年度目标。",
    "blue": "总体运行正常，部分指标完成进度远超序时，监控结果为蓝灯，建议复核相关指标值设置是否合理。",
    "yellow": "存在一定偏差，监控结果为黄灯，需加强跟踪管理。",
    "red": "存在较大偏差，监控结果为红灯，需立即采取纠偏措施。",
}

#: Column headers and sheet names of the roll-up workbooks (汇总表).
ROLLUP = {
    "dept_title": "{department}{period}预算绩效运行监控汇总表",
    "city_title": "{period}{level}部门预算绩效运行监控汇总表",
    "subtitle": "序时进度 {time_progress}%　金额单位：万元　生成：{generator}",
    "sheet_projects": "项目汇总",
    "sheet_department": "部门整体",
    "sheet_findings": "预警明细",
    "sheet_departments": "部门汇总",
    "sheet_all_projects": "项目明细",
    "confidential_row": "涉密项目（{count}个）",
    "total_row": "合计",
    "light_ungraded": "{light}（{count}个未评价）",
    "confidential_note": "注：涉密项目计入合计，但不列示名称和明细；其预警不列入预警明细。",
    "excluded_note": "注：{count} 个项目有「未填报」的数据（{columns}），合计只含已填报的数字，依赖这些数字的比率不计算（—）。",
    "excluded_note_uncounted": "注：有「未填报」的数据（{columns}），合计只含已填报的数字，依赖这些数字的比率不计算（—）。",
    "thin_note": "注：涉密项目中填报了{columns}的不足 {pool} 个，涉密项目行不列示这些数字（—），合计也不计入。",
    "withheld_note": (
        "注：涉密项目不足 {pool} 个的部门，涉密项目只列个数，不列金额、灯色和预警规则；"
        "其项目合计和部门整体（附件3）的金额也不列示（否则减去所列项目即可推算出涉密项目的金额）。"
    ),
    "yes": "是",
    "no": "否",
    "submitted": "已报",
    "not_submitted": "未报",
}

ROLLUP_COLUMNS = {
    "department_code": "主管部门代码",
    "department": "主管部门",
    "code": "项目代码",
    "name": "项目名称",
    "unit": "预算单位",
    "research": "科研类",
    "light": "监控结果",
    "carried_over": "上年结转",
    "budget": "本年预算",
    "subtotal": "安排数（小计）",
    "allocated": "下达数",
    "allocation_rate": "下达率%",
    "spent": "支出数",
    "spend_progress": "支出进度%",
    "execution": "执行率%（支出进度÷序时进度）",
    "expected": "全年预计支出数",
    "balance": "预计结转结余",
    "red": "红灯预警",
    "yellow": "黄灯预警",
    "blue": "蓝灯提示",
    "indicators": "指标数",
    "certain": "确定能",
    "possible": "有可能",
    "impossible": "完全不可能",
    "rules": "预警事项",
    "expected_projects": "应报项目",
    "submitted_projects": "已报项目",
    "missing_projects": "未报项目",
    "department_submitted": "部门整体",
    "lights_red": "红灯项目",
    "lights_yellow": "黄灯项目",
    "lights_blue": "蓝灯项目",
    "lights_green": "绿灯项目",
    "lights_grey": "未评价项目",
    "lights_none": "未监控项目",
    "completeness": "已填报项数",
    "table": "预算表",
    "row": "行",
    "category": "类别",
    "rule_code": "规则代码",
    "rule_name": "规则",
    "light_name": "灯",
    "message": "说明",
    "location": "位置",
}
# --- render (issue 3): the attachments, the bundle, PDF ---------------------------------------

LABELS.update(
    {
        "interrupted": "docgen：已中止（收到结束信号），工作进程已全部结束；未写完的文件会在下次生成时清理",
        "write_failed": "无法写入 {path}：{reason}。请检查磁盘空间和写入权限后重试",
        "write_failed_unnamed": "无法写入输出文件：{reason}。请检查磁盘空间和写入权限后重试",
        "output_collision": "{first} 和 {second} 会生成同名的文件「{name}」，未生成任何附件。请修改其中一份的项目代码或名称",
        "template_missing": "缺少模板文件 {path}，docgen 自带的模板也不在（安装不完整）：请重新安装 docgen，或把模板放到项目的 templates/",
        "template_invalid": "模板文件 {path} 无法使用：{detail}",
        "template_yaml": "YAML 格式错误（第 {line} 行第 {column} 列）",
        "fonts_entity": "第 {line} 行声明了 XML 实体，fonts.conf 从不需要它，为防实体展开攻击而拒绝",
        "fonts_root": "最外层应为 <fontconfig>",
        "fonts_element": (
            "第 {line} 行 <{tag}> 不能用：fonts.conf 只能写字体替换（<alias> 内含 <family> 和 <prefer>/<accept>/<default>），"
            "字体目录和缓存目录由 docgen 决定"
        ),
        "template_at": "第 {line} 行「{key}」{problem}",
        "template_not_mapping": "应为「键: 值」形式",
        "template_unknown_key": "不是可用的键（可写：{allowed}）",
        "template_missing_key": "缺少「{key}」",
        "template_number": "应为 {low} 到 {high} 之间的数字",
        "template_text": "应为不超过 {limit} 个字符的文字",
        "template_bool": "应为 true 或 false",
        "template_choice": "只能是 {choices}",
        "template_num_format": "数字格式「{value}」不显示数值本身：正数和负数部分都须在引号外含有数字占位符 0 或 #",
        "template_yaml_tag": "不允许 YAML 标签 {tag}（第 {line} 行）",
        "template_xml": "{part} 不是有效的 XML（{detail}）",
        "template_xml_dtd": "{part} 含有 DTD（<!DOCTYPE>），Word 文件从不需要它，为防实体展开攻击而拒绝",
        "template_zip": "不是有效的 .docx（zip）文件",
        "template_styles": (
            "模板文件 {path} 缺少样式：{names}。请在 Word 中恢复这些样式（名称不能改），或重新运行 docgen 仓库的 tools/make_report_docx.py"
        ),
        "rendered": "附件：新生成 {rendered} 个文件，{unchanged} 个未变化（未重新生成）",
        "removed": "已删除 {count} 个过期的附件（对应的报送文件已删除或改名）",
        "confidential_skipped": (
            "涉密项目 {count} 个未生成附件（涉密项目不得发布，build/ 会被发布）。"
            "如需生成，请用 --include-confidential 目录 指定 build/ 以外的保存位置"
        ),
        "published_leak": (
            "发布检查未通过：{path} 中含有涉密项目的{what}。该目录不得发布；请检查报送内容（如公开项目的文字是否提到涉密项目）后重新生成"
        ),
        "published_leak_name": "名称或代码",
        "leak_withdrawn": "。本次生成的 {folder} 已清空（没有可发布的内容），修正后请重新生成",
        "site_sources_withdrawn": (
            "{folder} 是上次 docgen site 生成的站点源文件，其中含有涉密项目的内容（多半是该项目在上次生成站点之后才标为涉密），"
            "已删除；本次 build 照常生成。site/ 中上次生成的站点可能仍含该项目：请运行 docgen site 重新生成，在此之前不要发布 site/"
        ),
        "published_leak_figure": "金额",
        "confidential_written": "涉密项目 {count} 个的附件已写入 {path}（不在 build/ 中，请按保密规定保管，不得上传）",
        "confidential_inside_build": "--include-confidential 的目录不能在 {build} 之内（该目录会被发布）：{path}",
        "bundles": "部门报送包：{count} 个（{path}）",
        "pdf_missing": (
            "未找到 LibreOffice（soffice 命令），未生成 PDF，其他成果均已生成。"
            "安装：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk"
        ),
        "pdf_failed": "LibreOffice 未能把 {path} 转换为 PDF（{detail}），其他成果均已生成",
        "pdf_done": "PDF：新生成 {count} 个",
        "pdf_removed": "未加 --pdf：{count} 个 PDF 的附件已变化，旧 PDF 已删除（需要时请用 docgen build --pdf 重新生成）：{names}",
        "and_more": " 等，另有 {count} 个",
        "dossier_done": "合订本 PDF（封面、目录、连续页码，可直接打印盖章）：{count} 个",
        "dossier_failed": "{path} 的合订本 PDF 未生成：{detail}",
        "dossier_pages_changed": "{name} 再次转换后页数不同（{before} 页、{after} 页），目录页码无法确定",
        "source_date_epoch_invalid": "环境变量 {variable} 应为整数秒数（Unix 时间），实际为「{value}」",
        "date_written": "{year}年{month}月{day}日",
        "progress": "生成附件 {done}/{total}",
        "progress_pdf": "转换 PDF {done}/{total}",
        "not_filled": "（未填写）",
        "none": "无。",
    }
)

#: Drafted narrative of 附件1 (evaluate/draft.py) where the submission leaves a section empty. Plain official Chinese.
DRAFT_NARRATIVE: dict[str, str] = {
    "report_title": "{subject}支出绩效监控分析报告",
    "report_year": "（{year}年度）",
    "project_subject": "{name}项目",
    "department_subject": "{name}部门整体",
    # 一、基本情况
    "basic_project": "{name}（项目代码：{code}）由预算单位{unit}组织实施，主管部门为{department}{span}。",
    "basic_span": "，项目起止时间为{span}",
    "basic_span_unreported": "，项目起止时间未填报",
    "basic_department": "{name}（部门代码：{code}）本期纳入绩效监控的预算资金包括基本支出和项目支出。",
    "basic_monitored": "本期纳入绩效监控的项目共{count}个。",
    "basic_target": "{subject}年度绩效目标：{target}",
    "basic_budget": "{year}年{subject}预算安排{subtotal}万元{parts}。",
    "basic_budget_unreported": "{year}年{subject}预算安排未填报。",
    # 「未填报」 in running text: what was not reported is named, never guessed, and nothing is concluded from it
    "unreported": "未填报",
    "unreported_join": "、",
    "execution_unreported": "截至{month}月底，{subject}{reported}；{missing}未填报，本期未评价预算执行进度。",
    "execution_unreported_none": "截至{month}月底，{subject}资金执行数据未填报，本期未评价预算执行进度。",
    "execution_reported_item": "{name}{value}万元",
    "execution_row_unreported": "{row}的{missing}未填报",
    "basic_budget_parts": "，其中上年结转{carried_over}万元、本年预算{budget}万元",
    "basic_sources": "{heading}{items}。",
    "basic_source_item": "{row}{subtotal}万元",
    # （一）预算执行情况分析
    "execution": (
        "截至{month}月底，{subject}年度预算安排{subtotal}万元{parts}，已下达{allocated}万元{allocation}；已支出{spent}万元{progress}。"
    ),
    "note_adjusted": "注：「{row}」的本年预算按调整后预算 {adjusted} 万元列示（年初预算 {initial} 万元）。",
    "note_pending": "注：「{row}」另有已审批待支付 {pending} 万元，未计入支出数。",
    "execution_adjusted": "本年预算年初为{initial}万元，经调整为{adjusted}万元，下达率和支出进度均按调整后预算计算。",
    "execution_pending": "另有已审批待支付{pending}万元，支付后支出进度将达到{rate}。",
    "execution_adjusted_column": "年初预算数为{initial}万元，全年预算数为{adjusted}万元，支出进度按全年预算数计算。",
    "execution_items": "{row}分为：{items}。",
    "execution_item": "{name}{amount}万元{use}",
    "execution_item_use": "（{use}）",
    "execution_item_unreported": "{name}（金额未填报）{use}",
    "execution_no_allocation": "截至{month}月底，{subject}年度预算安排{subtotal}万元{parts}；已支出{spent}万元{progress}。",
    "execution_allocation": "，下达率{rate}",
    "execution_progress": "，支出进度{rate}，{versus}",
    "versus_below": "低于序时进度（{time}）{gap}个百分点",
    "versus_above": "高于序时进度（{time}）{gap}个百分点",
    "versus_equal": "与序时进度（{time}）持平",
    "execution_rows": "{heading}{items}。",
    "execution_row": "{row}安排{subtotal}万元、已支出{spent}万元{progress}",
    "execution_row_progress": "、支出进度{rate}",
    "expected": "预计全年支出{expected}万元，占安排数的{rate}{tail}。",
    "expected_surplus": "，预计年底结转结余{gap}万元",
    "expected_over": "，超出安排数{gap}万元",
    "over_budget": "截至{month}月底支出数已超过安排数{gap}万元，应核实是否存在超预算支出。",
    "see_tables": "具体情况见{tables}。",
    "table_ref": "表{number}",
    "table_ref_join": "、",
    # 附件1 table headers: 「\u200b」 (zero-width space) marks where a header may break when its column is narrow
    "col_carried_over": "上年\u200b结转",
    "col_budget": "本年\u200b预算",
    "col_subtotal": "小计\u200b（安排数）",
    "col_allocated": "{months}\u200b下达数",
    "col_allocation_rate": "下达率",
    "col_spent": "{months}\u200b支出数",
    "col_spend_progress": "支出\u200b进度",
    "col_expected": "全年预计\u200b支出数",
    # （二）绩效目标实现情况分析
    "targets_count": "{subject}共设置绩效指标{count}项，其中{kinds}。",
    "targets_kind": "{level1}{count}项",
    "targets_likelihood": "从完成年度目标的可能性看，{items}。",
    "targets_likelihood_item": "{likelihood}完成{count}项",
    "targets_likelihood_unreported": "完成目标可能性未填报{count}项",
    "targets_none": "{subject}未设置绩效指标。",
    "indicator": "{level2}“{name}”：{target}，{result}，{expected}，{judgement}。",
    "indicator_no_expected": "{level2}“{name}”：{target}，{result}，{judgement}。",
    "targets_unreported": "{subject}绩效指标未填报，本期未评价绩效目标实现情况。",
    "indicator_target_unreported": "年度指标值未填报",
    "indicator_result_unreported": "{months}完成情况未填报",
    "indicator_expected_unreported": "全年预计完成情况未填报",
    "judgement_未填报": "完成目标可能性未填报，本期未评价",
    "indicator_target": "年度指标值{value}",
    "indicator_target_text": "年度指标值为“{value}”",
    "indicator_result": "{months}完成{value}",
    "indicator_result_text": "{months}完成情况为“{value}”",
    "indicator_expected": "全年预计完成{value}",
    "indicator_expected_text": "全年预计为“{value}”",
    "indicator_adjusted": "{target}（调整后为{adjusted}）",
    "judgement_确定能": "预计能够完成年度目标",
    "judgement_short": "低于年度指标值{target}，按预计完成情况尚不能完成年度目标",
    "judgement_above": "超出年度指标值{target}的区间",
    "judgement_有可能": "有可能完成年度目标",
    "judgement_完全不可能": "预计无法完成年度目标",
    "indicator_deviation": "偏差原因：{text}",
    "indicator_remark": "拟采取措施：{text}",
    "remark_prefix": "拟采取",  # a 备注 that already names itself is not labelled twice
    # 落款 and the contact block under it (GB/T 9704: 成文日期 in Arabic numerals, no leading zeros)
    "signed_on": "{year}年{month}月{day}日",
    "signed_on_blank": "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日",
    "contact_head": "单位负责人：{head}",
    "contact_preparer": "填报人：{preparer}\u3000\u3000联系电话：{phone}",
    "contact_blank": "\u3000\u3000\u3000\u3000",
}


def draft(key: str, /, **args: Any) -> str:
    """A sentence of the drafted 附件1 narrative, filled in."""
    return DRAFT_NARRATIVE[key].format(**args)


#: The contents list inside each department's bundle (bundle.py).
BUNDLE: dict[str, str] = {
    "heading": "{department}（{code}）{period}绩效监控报告",
    "intro": "本报送包包括部门整体支出绩效监控分析报告和项目支出绩效监控分析报告，每份报告由正文（附件1）和监控表（附件2或附件3）组成。",
    "department": "一、部门整体支出绩效监控分析报告",
    "department_missing": "一、部门整体支出绩效监控分析报告：本期未报送",
    "department_withheld": "一、部门整体支出绩效监控分析报告：其合计数可推算出涉密项目的金额，按保密规定另行报送，不在本报送包中",
    "projects": "二、项目支出绩效监控分析报告（{count}个）",
    "project": "{number}．{name}（项目代码{code}，{unit}）",
    "file_docx": "正文（附件1）：{name}",
    "file_xlsx": "监控表（{table}）：{name}",
    "file_xlsx_titled": "{title}：{name}",
    "intro_titled": "本报送包包括部门整体支出绩效监控分析报告和项目支出绩效监控分析报告，每份报告由正文（附件1）和监控表组成。",
    "file_pdf": "PDF：{name}",
    "confidential": "另有涉密项目{count}个，按保密规定另行报送，不在本报送包中。",
    "footer": "由 docgen {version} 根据报送数据生成。",
}


def bundle_text(key: str, /, **args: Any) -> str:
    """A line of a department bundle's contents list, filled in."""
    return BUNDLE[key].format(**args)


#: The department's one-PDF 报送 (render/dossier.py): its cover, its 目录 and the 目录's entries.
DOSSIER: dict[str, str] = {
    "title": "{period}绩效监控报告",
    "department": "{department}",
    "unit_line": "报送单位：{department}（代码{code}）",
    "period_line": "监控期间：{period}",
    "date_line": "报送日期：{date}",
    "stamp": "（盖章）",
    "contents": "目　录",
    "part_department_report": "一、部门整体支出绩效监控分析报告（附件1）",
    "part_department_table": "二、部门整体支出绩效运行监控表（附件3）",
    "part_department_missing": "一、部门整体支出绩效监控分析报告：本期未报送",
    "part_department_withheld": "一、部门整体支出绩效监控分析报告：其合计数可推算出涉密项目的金额，按保密规定另行报送",
    "part_projects": "{number}、项目支出绩效监控分析报告（{count}个）",
    "part_project": "（{number}）{name}（项目代码{code}）",
    "part_project_report": "项目支出绩效监控分析报告（附件1）",
    "part_project_table": "项目支出绩效运行监控表（附件2）",
    "part_department_table_titled": "二、{title}",
    "part_project_table_titled": "{title}",
    "confidential": "另有涉密项目{count}个，按保密规定另行报送，不在本报告中。",
    "page": "— {page} —",
}


def dossier_text(key: str, /, **args: Any) -> str:
    """A line of the dossier's cover or 目录, filled in."""
    return DOSSIER[key].format(**args)


# --- history and `docgen diff` (issue 4 item 4, issue 5 item 1) --------------------------------------

LABELS.update(
    {
        # git
        "git_missing": "找不到 git 命令。请先安装 git（如 apt-get install git）",
        "git_not_repo": "「{path}」不在 git 仓库中，无法读取修改历史。请在报送仓库内运行（或先 git init 并提交）",
        "git_failed": "git {command} 运行失败：{detail}",
        "git_bad_revision": (
            "git 中找不到版本「{revision}」。请检查分支名或提交号；在 CI 中请拉取完整历史（如 actions/checkout 的 fetch-depth: 0）"
        ),
        "git_shallow_revision": (
            "git 中找不到版本「{revision}」：{path} 是浅克隆（只取了最近 {count} 次提交），该版本可能不在已取得的历史中。"
            "请在 CI 中取完整历史（GitHub actions/checkout：fetch-depth: 0；GitLab：GIT_DEPTH: 0），"
            "或在本地运行 git fetch --unshallow 后重试"
        ),
        "status_truncated": "最早可见",
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
        "diff_confidential_file": "一个涉密文件",
        "diff_confidential_omitted": "涉密文件的名称、代码和内容不在此列出（可公开发布的变更摘要不含涉密内容）；请按保密规定在内部审核。",
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
        "diff_withheld_note": "本部门涉密项目不足规定个数：部门整体的金额和文字能推算出涉密项目的金额，修改内容不在此列出，请在内部审核。",
        "diff_withheld_finding": "（内容不公开：含涉密项目的金额）",
        "diff_no_content_change": "内容没有变化。",
        "diff_footer": "<sub>由 docgen diff 生成：{base} → {head}。「计算」为系统按填报数计算的结果（万元、%）。</sub>",
        "diff_written": "已写入 {path}",
        "diff_truncated": "……另有 {count} 份报送的变化因评论长度所限未列出，完整内容请运行 docgen diff --format json 查看。",
    }
)

# --- the bureau's view (issue 17, items 5-7): the reviewer's diff, the dashboard, the analysts' export ---------

LABELS.update(
    {
        "diff_finding_changed": "数值变化（第 {line} 行）",
        "diff_summary_changed": "另有 {count} 条警告仍在，但数值有变化。",
        "diff_lights_heading": "#### 灯色和审核状态的变化",
        "diff_light": "灯色",
        "diff_review_state": "审核状态",
        "diff_col_submission": "报送",
        "diff_commits_heading": "#### 提交记录（{count} 次）",
        "diff_commit": "- {sha} · {author} · {date}：{message}",
        "diff_commits_more": "- ……另有 {count} 次提交未列出（docgen diff --format json 列出全部）。",
        "diff_commit_withheld": "（提交说明不公开：所改文件含涉密内容）",
        "export_data_nothing": "找不到报送目录「{folder}」，没有可导出的数据",
        "export_data_written": "已写入 {path}",
        "export_data_summary": "已导出 {submissions} 份报送（{format}）：{path}",
        "export_needs_period": "导出待填写的表格（--format xlsx）要指定 --period，如 --period 2025-09",
        "export_xlsx_only": "{option} 只用于 --format xlsx（待填写的表格）；sqlite、csv 导出全部部门的数据",
        "export_out_is_file": "--out 「{path}」是一个文件；--format xlsx 写入一个目录",
        "export_data_only": "{option} 只用于 --format sqlite、csv（供分析的数据导出）",
        "export_data_alias": "提示：docgen export-data 将在下一版本删除，请改用 docgen export --format {format}（参数相同）",
    }
)


# --- tooling: docgen fmt, install-hook, validate --staged, CI reports (issue 5) ----------------

MESSAGES.update(
    {
        "F102": "无法在保留全部内容的前提下整理格式：{detail}。文件未改动",
        "F103": "文件太大（{size}），docgen fmt 只整理 {limit} 以内的文件。文件未改动",
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
        "hook_missing": (
            "docgen：找不到 docgen，无法校验，提交已取消。请安装 docgen（pip install docgen），或用 git commit --no-verify 跳过。"
        ),
        "hook_installed": "已安装 git 钩子 {path}：每次提交前校验暂存的报送文件",
        "hook_backup": "原有的钩子已备份为 {path}（docgen install-hook --uninstall 时会恢复）",
        "hook_uninstalled": "已卸载 git 钩子 {path}",
        "hook_foreign": "{path} 已有别的 pre-commit 钩子，未覆盖。加 --force 覆盖（原钩子会备份）",
        "hook_foreign_framework": (
            "{path} 由 pre-commit 框架管理，未覆盖。"
            "请在 .pre-commit-config.yaml 中加入 docgen-validate 钩子（见 README），或加 --force 改用 docgen 自己的钩子"
        ),
        "hook_not_installed": "{path} 不存在：没有安装钩子",
        "hook_not_ours": "{path} 不是 docgen 安装的钩子，未删除",
    }
)

# --- the trust boundary: outputs only inside their folder; nothing outside the repository is read ---------------

MESSAGES.update(
    {
        "E115": "报送文件和名单必须是仓库中的普通文件，这里是符号链接（或不是普通文件），其内容不会被读取。请用文件本身替换它",
        "E116": "文件名或所在文件夹的名称含有不是 UTF-8 编码的字节或控制字符（如换行、ESC），无法在 summary.json、汇总表和站点中写出，"
        "其内容不会被读取。请把它改成普通的名称",
        "W309": "佐证材料「{entry}」{reason}，未检查是否存在。请把文件放进本仓库，并写相对于本文件所在目录的路径",
    }
)

EVIDENCE_OUTSIDE = {
    "absolute": "是绝对路径",
    "escapes": "用「..」指向了仓库之外",
    "symlink": "经过符号链接",
}

LABELS.update(
    {
        "output_tracked": (
            "git 跟踪着输出目录中的文件（{path} 等 {count} 个）：build/ 和 site/ 由 docgen 生成，仓库中提交的版本不可信，不会发布。"
            "请运行 git rm -r --cached {folders} 并把它们加入 .gitignore，提交后重试"
        ),
        "output_symlink": "输出目录 {path} 是符号链接，docgen 不会向其中写入或删除任何文件。请删除该链接（或改用真实目录）后重试",
        "outside_output": "拒绝删除 {path}：它不在 docgen 的输出目录 {owner} 之内",
        "manifest_outside": "已忽略 {manifest} 中的条目「{entry}」：它指向 {folder} 之外（该文件可能来自仓库，不可信），未删除任何文件",
        "manifest_outside_more": "另有 {count} 个这样的条目也已忽略",
        "confidential_inside_site": "--include-confidential 的目录不能是 {site} 或在其之内（该目录会被发布）：{path}",
        "submissions_outside": "报送目录 {path} 指向仓库 {root} 之外（符号链接），不会读取其中的文件",
    }
)

#: Why a file could not be written, by errno name (errors.write_problem): the disk, not the submissions.
WRITE_REASONS = {
    "ENOSPC": "磁盘空间已满",
    "EDQUOT": "超出了磁盘配额",
    "EFBIG": "文件超过了系统允许的大小",
    "EROFS": "磁盘是只读的",
    "EACCES": "没有写入权限",
    "EPERM": "没有写入权限",
    "ENOTDIR": "路径中有一个同名的文件，而这里需要文件夹",
    "EEXIST": "已有同名的文件，而这里需要文件夹",
    "EISDIR": "这里是文件夹，而需要写入文件",
    "ENAMETOOLONG": "文件名太长",
    "EIO": "磁盘读写出错",
}


#: Help texts of options shared by several commands (the commands' own help is their docstring in cli.py).
CLICK_HELP = {
    "no_cache": "不读也不写 docgen 的缓存（在用户缓存目录中），一切从头计算；用于排查或确认输出不依赖缓存。",
    "clean_outputs": "同时删除 build/ 和 site/（生成的附件、汇总表和站点）。",
}

# --- docgen import: filled 附件2/附件3 workbooks (E500-E549, W500-W549) ------------------------------------------
# Every problem is located on the spreadsheet: 「附件2-….xlsx 工作表「附件2」 F8：错误 E510 …」 (import_location).

MESSAGES.update(
    {
        "E500": "无法作为 Excel 工作簿打开（{detail}）：请在 Excel 或 WPS 中另存为 .xlsx 后重试",
        "E501": "文件太大（{size}，上限 {limit}），不再读取。监控表一般只有几十 KB，请检查是否选错了文件",
        "E502": "工作簿的压缩内容异常（{detail}），可能是构造出来的恶意文件，不再读取",
        "E503": "工作簿的部件 {part} 含 DTD 或实体声明（Excel、WPS 保存的文件从不含有），不再读取",
        "E504": "工作表太大（{detail}），不再读取",
        "E505": "没有找到{forms}：没有哪张工作表含有表名或{labels}栏目",
        "E506": "找不到「{label}」：{what}无法读取（这一行表头被删除或改动了？请按原表恢复）",
        "E507": "无法识别监控期间：表名下面应有「（2025年1-6月）」这样的一行{found}",
        "E508": "「{label}」应写成「名称（代码）」，如「朔州市教育局（101）」，实际是「{value}」",
        "E509": (
            "无法确定项目代码：附件2 上没有项目代码一栏，docgen 按本期名单对应，但名单 {roster} 中主管部门「{department_code}」"
            "下没有名为「{name}」的项目。请核对项目名称，或请市财政局把项目加入名单"
        ),
        "E510": "「{field}」应填写数字或「未填报」，实际是「{value}」{hint}",
        "E511": "「{field}」是空的：本行其他金额已填写，没有的金额请填 0，尚未取得的请填「未填报」",
        "E512": "「{field}」是公式「{formula}」：导入只读填写的数值，从不计算公式。请改为直接填写数值",
        "E513": (
            "「{field}」表上为 {stated}，按本表填写的数计算应为 {computed}（{rule}）：请核对填写的金额；"
            "这一格由系统计算，导入时不采用表上的数，也可以清空它"
        ),
        "E514": (
            "指标「{name}」的完成目标可能性没有打「√」：请在{answers}中选一格打「√」（尚未判断的，在备注中写「完成目标可能性：未填报」）"
        ),
        "E515": "指标「{name}」的完成目标可能性打了 {count} 个「√」（{choices}），只能选一格",
        "E516": "指标「{name}」的「{choice}」一格填写的是「{value}」：选中的一格打「√」（也认「✓」「是」），其余留空",
        "E517": "这一行填写了指标内容，但「三级指标」是空的：请填写指标名称",
        "E518": "不认识的资金行「{label}」。{table}的资金行有：{options}",
        "E519": "与 {other} 是同一份报送（都写入 {target}），一个项目（部门）只能导入一次",
        "E520": "导入后的报送文件不能通过校验：{detail}",
        "E521": "{path} 已存在，导入会修改其中 {count} 项，未覆盖。核对下面列出的修改后，加 --force 覆盖",
        "E522": "将要写入的 {path} 不在本项目的 submissions/ 之内，或经过符号链接，不写入",
        "E523": "用 LibreOffice 把 .xls 转换为 .xlsx 失败（{detail}）：请在 Excel 或 WPS 中另存为 .xlsx 后重试",
        "E524": (
            "读取 {suffix} 文件需要 LibreOffice，但本机没有安装（找不到 soffice 命令）。"
            "请安装（Debian/Ubuntu：apt-get install libreoffice-calc-nogui），或在 Excel/WPS 中把 {file} 另存为 .xlsx 后重试"
        ),
        "E525": "不支持的文件类型「{suffix}」：请导入 .xlsx（或 .xls、.ods）格式的工作簿",
        "E527": "已有的 {path} 无法读取或整理（YAML 有错误？），未修改：请先用 docgen validate 找出问题并改正，再导入",
        # every profile's forms (issue 16 item 1): check-box groups, the likelihood written out, a form without 代码
        "E530": "「{label}」是单选，却勾选了 {choices}：只能勾选一项（☑ 或 √ 放在选中的一项前面）",
        "E531": "「{label}」一栏无法识别：「{value}」中没有任何一个选项（{options}）。请勾选其中一项，如「☑{first}」",
        "E532": "指标「{name}」的完成目标可能性填写的是「{value}」：请填写{answers}之一（尚未判断的填「未填报」）",
        "E533": "指标「{name}」的完成目标可能性是空的：请填写{answers}之一（尚未判断的填「未填报」）",
        "E535": (
            "{file} 第 {line} 行有无法解码的字节（{bytes}）：CSV 应为 UTF-8（带或不带 BOM）或 GBK/GB18030 编码。"
            "请在 Excel/WPS 中「另存为」→「CSV UTF-8（逗号分隔）」后重试"
        ),
        "E534": (
            "无法确定主管部门代码：本表没有代码一栏，docgen 按本期名单的部门名称对应，但名单 {roster} 中没有名为"
            "「{name}」的主管部门。请核对主管部门名称，或请财政部门把它加入名单"
        ),
    }
)

LABELS.update(
    {
        "import_location": "{file} 工作表「{sheet}」 {cell}：",
        "import_which_forms": "附件2《{project}》或附件3《{department}》",
        "import_file_location": "{file}：",
        "import_problem": "{location}{severity} {code} {message}",
        "import_created": "已导入：{path}（新建，来自 {source}）",
        "import_updated": "已导入：{path}（更新 {count} 项，来自 {source}）",
        "import_same": "无变化：{path}（与 {source} 一致）",
        "import_would_create": "将新建：{path}（来自 {source}）",
        "import_would_update": "将更新：{path}（{count} 项，来自 {source}）",
        "import_summary": "{files} 个工作簿，{sheets} 张监控表：新建 {created} 个文件，更新 {updated} 个，无变化 {same} 个",
        "import_dry_run": "（--dry-run：未写入任何文件）",
        "import_failed": "{count} 个问题，未写入任何文件；改正工作簿后重新导入",
        "import_refused": "{count} 个文件已存在且内容不同，未写入任何文件；核对修改后加 --force 覆盖",
        "import_change": "  {text}",
        "import_budget_block": "预算表（{table}）",
        "import_indicator_block": "绩效指标表",
        "import_ident_block": "表头的{label}一栏",
        "import_found_period": "，实际是「{value}」",
        "import_rule_subtotal": "上年结转 + 本年预算",
        "import_rule_total": "各「其中」行之和",
        "import_rule_allocation_rate": "下达数 ÷ 本年预算 × 100",
        "import_rule_spend_progress": "支出数 ÷ 安排数 × 100",
        "import_target_text": "年度绩效目标",
        "import_name_text": "名称",
        "sheet_parts": "含 {count} 个部件，上限 {limit} 个",
        "sheet_unpacked": "解压后 {size}，上限 {limit}",
        "sheet_ratio": "部件 {part} 的压缩比为 {ratio}:1",
        "sheet_count": "工作表超过 {limit} 张",
        "sheet_size": "{rows} 行 {cols} 列，上限 {max_rows} 行 {max_cols} 列",
        "sheet_cells": "有内容的单元格超过 {limit} 个",
        "sheet_columns": "一行有 {count} 列，上限 {limit} 列",
        "sheet_timeout": "{seconds} 秒内没有完成",
        "sheet_not_converted": "没有生成 .xlsx 文件",
        "sheet_not_a_file": "不是文件",
        "import_no_suffix": "（无）",
    }
)

# --- the review loop (issue 17): review-folder files, review states, codeowners, feedback, 整改 ----------------

MESSAGES.update(
    {
        "E601": "审核目录中的文件名「{name}」不符合规定：{layout}",
        "E602": "文件名「{name}」表示主管部门代码 {named}，但文件中填写的是「{code}」",
        "E603": "「项目代码」应填写项目代码或「{whole}」，实际填写的是「{value}」",
        "E604": "「问题代码」「{value}」不是 docgen 的预警或问题代码（如 W401、E301），请核对",
        "E605": "本次改动涉及{owner}的文件 {path}，而它只能涉及{allowed}的文件；请分开提交，或由市财政局提交",
        "E606": "审核人「{value}」的写法不对：应为 @用户名、@组织/团队 或电子邮箱，不能含空格或 # 等字符",
        "E607": "没有可用的名单（submissions/<期间>/名单.yaml）：无法得知各部门的审核人",
        "E608": "名单中没有填写任何审核人（各部门的「审核人」、市财政局的「财政局审核人」）：无法生成代码所有者文件",
        "W601": "整改逾期：「{subject}」的整改事项「{problem}」期限为 {deadline}，截至 {today} 仍为「{status}」",
        "W602": "「项目代码」{subject} 不是本期名单中部门 {code} 的应报项目，请核对",
        "W603": "对「{subject}」在 {date} 的同一结论已在第 {first} 行写过，请删除重复的一条",
    }
)

#: Texts of the review loop: layouts, review states and their notes, feedback letters, code owners, the 整改台账.
REVIEW_TEXT = {
    "layout": "应放在 submissions/<年度>-<月份>/{folder}/{name}",
    "name_review": "审核意见文件应命名为「<审核方>-<主管部门代码>.yaml」，审核方为「财政局」或该部门自己的代码，"
    "如 财政局-101.yaml、101-101.yaml",
    "name_rectification": "整改文件应命名为「整改-<主管部门代码>.yaml」，如 整改-101.yaml",
    "name_application": "结果应用文件应命名为「结果应用-<主管部门代码>.yaml」，如 结果应用-101.yaml",
    "returned_out": "以下报送已被退回修改，未列入本报送包，待审核通过后再报送：",
    "returned_item": "  {name}（{code}）：{reason}",
    "department_returned": "：已退回修改，待审核通过后报送（见文末）",
    "state_column": "审核状态",
    "codeowners_header": "由 docgen codeowners 根据名单中的审核人生成，请勿手工修改；名单变化后重新生成。",
    "codeowners_bureau_section": "市财政局",
    "codeowners_department_section": "部门 {code}",
    "owner_bureau": "市财政局",
    "owner_department": "部门 {code} ",
    "scope_ok": "改动只涉及{allowed}的文件",
    "scope_no_base": "请用 --base 指定比较的起点（如 origin/main），或用 --staged 检查暂存的改动",
    "codeowners_written": "已写入 {path}（{platform}）",
    "scope_unknown_author": "无法判断改动者所属部门：请用 --department 指定部门代码，或用 --bureau 表示市财政局",
    "feedback_title": "{year}年1-{month}月绩效运行监控审核结果反馈",
    "feedback_salutation": "{department}：",
    "feedback_intro": "根据《朔州市市级部门预算绩效运行监控管理办法》，市财政局对你单位报送的{year}年1-{month}月"
    "绩效运行监控材料进行了审核，现将审核结果反馈如下。",
    "feedback_overview": "本期你单位应报项目 {expected} 个，已报送 {submitted} 份（含部门整体），"
    "审核通过 {passed} 份，退回修改 {returned} 份；红灯 {red} 份（以上均不含涉密项目，涉密项目的审核结果另行反馈）。",
    "feedback_opinions": "审核意见",
    "feedback_problems": "存在的问题",
    "feedback_rectify": "整改要求",
    "feedback_applications": "结果应用",
    "feedback_none": "无。",
    "feedback_returned": "{name}（{code}）：退回修改。{reason}",
    "feedback_red": "{name}（{code}）：红灯。{reason}",
    "feedback_opinion": "{name}（{code}）：{conclusion}。{opinion}（{reviewer}，{date}）",
    "feedback_item": "{name}（{code}）：{problem}整改措施：{measure}责任人：{owner}；整改期限：{deadline}；目前状态：{status}。",
    "feedback_application": "{name}（{code}）：{kind}{amount}{number}。{note}",
    "feedback_amount": " {amount} 万元",
    "feedback_number": "（{number}）",
    "feedback_closing": "请你单位按上述要求于整改期限前完成整改，并将整改情况报市财政局预算绩效管理科。",
    "feedback_signature": "朔州市财政局",
    "whole_department": "部门整体",
    "draft_subject": "{name}（{code}）",
    "draft_applications": "结果应用情况：{items}",
    "draft_application": "{subject}{kind}{amount}{number}（{date}）。",
    "draft_rectifications": "整改情况：{items}",
    "draft_rectification": "{subject}：{problem}整改措施：{measure}整改期限 {deadline}，目前{status}{late}。",
    "draft_overdue": "，已逾期",
    "rollup_returned": "（退回修改）",
    "feedback_file": "审核结果反馈",
    "feedback_written": "审核结果反馈：已生成 {count} 份（{folder}）",
    "feedback_none_found": "没有可以反馈的部门：所选期间或部门没有报送文件",
    "bureau_unit": "朔州市财政局预算绩效管理科",
    "bureau_name": "市财政局",
    "department_unit": "（主管部门全称）",
    "confidential_subject": "涉密项目",
    "ledger_title": "整改台账",
    "ledger_city": "全市整改台账",
    "ledger_columns": "项目|问题代码|问题|整改措施|责任人|整改期限|状态|佐证材料",
    "ledger_overdue": "（逾期）",
    "ledger_empty": "本期没有整改事项。",
    "applications_title": "结果应用",
    "applications_columns": "项目|问题代码|方式|金额（万元）|文号|日期|说明",
    "applications_section": "{kind}：{subject}{amount}{number}（{date}）。",
    "applications_draft_none": "本期暂无结果应用事项。",
}


def review_text(key: str, /, **args: Any) -> str:
    """A text of the review loop, filled in."""
    return REVIEW_TEXT[key].format(**args) if args else REVIEW_TEXT[key]


def known_code(code: str) -> bool:
    """Whether a code is one of docgen's messages (the W4xx monitoring codes are checked against the rulebook too)."""
    return code in MESSAGES


# --- issue 16: forms to fill (docgen export), execution figures in bulk (docgen import-figures), a new period ----------
# Codes E55x-E59x / W55x-W59x; kept together here so that they merge beside the other engineers' blocks.

MESSAGES.update(
    {
        "E550": "无法沿用到新期间：{detail}",
        "E551": "有 {count} 个文件无法沿用，未创建任何文件；请先修正上面列出的问题",
        "E552": "新期间 {period} 必须在来源期间 {source} 之后（--from 写上一期，如 docgen new period 2025-09 --from 2025-06）",
        "E553": "新期间 {period} 与来源期间 {source} 不在同一年度：新年度的项目和预算另行批复，"
        "请用 docgen new roster 和 docgen new project 建立",
        "E554": "来源期间 {folder} 下没有名单和报送文件，无可沿用",
        "W550": "注意：名单 {roster} 的截止日期暂按 {deadline} 填写，请按{bureau}的通知核对（也可用 --deadline 指定）",
        "W551": "注意：来源期间没有名单文件 {roster}，新期间未创建名单；请用 docgen new roster --period {period} 生成",
        "W552": "名单沿用自 {roster}（部门、预算单位和应报项目不变），请按本期通知增删",
    }
)

#: Labels of docgen export, import-figures and new period/roster (issue 16).
EXPORT = {
    "yaml_unreadable": "YAML 格式错误：{detail}",
    "carry_not_mapping": "文件内容应为「键: 值」形式的表单",
    "roster_head": "{period} 绩效监控报送名单（由 docgen new roster 生成，请核对后提交）",
    "period_created": "已创建 {path}",
    "period_kept": "已存在，未覆盖：{path}",
    "period_summary": "新期间 {period}：创建 {created} 个文件，保留已有的 {kept} 个；沿用的报送中本期数据均为「未填报」，"
    "请各单位填写后运行 docgen validate（docgen build --strict 在填齐之前会拒绝它们）",
    "roster_created": "已创建名单 {path}，请核对部门、预算单位和应报项目",
    "fill_previous": "上期（{period}）：{value}",
    "fill_note": "填写说明：黄色底纹的单元格由本单位填写（本期数据；尚未取得的填「未填报」，不要填 0），其余单元格已按报送数据预填并锁定"
    "（工作表保护无密码）。小计、资金总额的下达/支出/预计数、下达率、支出进度由系统计算，无需填写。单元格批注是上期数。"
    "填好后交回，由 docgen import 读入。",
    "fill_tick_help": "在相应一列填「√」（只选一列）",
    "fill_tick_error": "这里只能填「√」或留空",
    "fill_choice_help": "从下拉列表中选择完成目标可能性；尚未判断的选「未填报」",
    "fill_input_title": "本单位填写",
    "fill_unreported_help": "填写本期数（金额以万元为单位，只填数字）；尚未取得的从下拉列表选「未填报」",
    "export_title": "{form}（待填写，{period}）",
    "export_written": "已生成 {path}",
    "export_summary": "{period}：生成待填写的工作簿 {count} 个，写入 {folder}",
    "export_confidential": "涉密项目 {count} 个未导出（其材料不写入 build/）",
    "export_withheld": "部门整体（附件3）{count} 份未导出：所在部门的涉密项目少于 {pool} 个，"
    "其部门整体数据会透露涉密项目的数据，与 docgen build 一样不公开",
    "export_nothing": "{period} 没有可导出的报送文件（{folder}）；新期间可先运行 docgen new period {period} --from 上一期",
    "export_department_unknown": "{period} 没有主管部门代码为「{code}」的报送文件",
    "mapping_empty": "对照文件是空的",
    "mapping_not_mapping": "对照文件应为「键: 值」形式",
    "mapping_unknown_key": "不认识的项「{key}」。可填写：{allowed}",
    "mapping_columns": "缺少「列」：写出每一项在表格中的列标题，如「列: {{项目代码: 项目编码, 支出数: 累计支出}}」",
    "mapping_unknown_column": "「列」下不认识的项「{key}」。可填写：{allowed}",
    "mapping_header_text": "「{key}」应写表格中该列的列标题文字",
    "mapping_no_code": "「列」中必须有「项目代码」：按它找到报送文件",
    "mapping_no_figure": "「列」中至少要有下达数、支出数、全年预计支出数之一",
    "mapping_unit": "「金额单位」只能是 万元 或 元，实际填写的是「{value}」",
    "mapping_header_row": "「表头行」应为列标题所在的行号（从 1 起），实际填写的是「{value}」",
    "mapping_sheet": "「工作表」应写工作表的名称",
    "mapping_funds": "「资金来源」应为「表格中的写法: 资金来源行名称」的对照",
    "mapping_fund_row": "「{value}」不是附件2的资金来源行。可选：{allowed}",
    "mapping_missing": "找不到对照文件「{path}」（内置的有：{builtin}）",
    "figures_where": "{file} 第 {row} 行 {column} 列",
    "figures_not_file": "{file} 不是普通文件（或是符号链接），不读取",
    "figures_too_large": "{file} 太大（上限 {limit}）",
    "figures_format": "{file}：只能读取 .xlsx 或 .csv（.xls 请先另存为 .xlsx）",
    "figures_unreadable": "{file} 无法作为 Excel 工作簿读取（{detail}）",
    "figures_no_sheet": "{file} 中没有工作表「{sheet}」（有：{sheets}）",
    "figures_too_many": "行数超过上限 {limit}，其余不再读取",
    "figures_no_code": "这一行有数据但没有项目代码",
    "figures_not_number": "「{column}」应为金额数字，实际是「{value}」",
    "figures_unknown_fund": "资金来源「{value}」不是附件2的资金来源行（可选：{allowed}）；可在对照文件的「资金来源」下写出对照",
    "figures_missing_columns": "{file} 第 {row} 行（表头）中没有这些列：{columns}；请核对对照文件的「列」",
    "figures_no_header": "{file} 前 {rows} 行中找不到列标题「{column}」；请核对对照文件的「列」或写出「表头行」",
    "figures_bad_yaml": "报送文件有 YAML 格式错误，未更新；请先运行 docgen validate 修正",
    "figures_unmatched": "项目代码「{code}」在本期报送中找不到",
    "figures_ambiguous": "项目代码「{code}」对应多个报送文件：{files}",
    "figures_no_table": "项目「{code}」的 {file} 中「资金」不是按资金来源分行填写的，无法更新",
    "figures_which_row": "项目「{code}」有多行资金来源（{rows}），表格中没有资金来源列，不知道更新哪一行；请在对照文件中写出「资金来源」列",
    "figures_no_row": "项目「{code}」的 {file} 中没有「{row}」这一行资金；请先在报送文件中加上这一行（上年结转、本年预算）",
    "figures_no_value": "项目「{code}」的 {file} 中「{row}·{key}」不是单独一行的数值，无法按位置更新；请先运行 docgen fmt",
    "figures_not_confirmed": "更新后的文件与预期不符，未写入（请报告给维护者）",
    "figures_no_period": "submissions/ 下没有监控期间；请用 --period 指定",
    "figures_updated": "已更新 {path}：{fields}",
    "figures_would_update": "将更新 {path}：{fields}",
    "figures_summary": "读取 {lines} 行：更新 {changed} 个报送文件，{same} 个已是这些数",
    "figures_failed": "有 {count} 个问题，未修改任何文件",
    "new_needs_period": "请写出期间：docgen new period 2025-09 --from 2025-06，或 --period 2025-09",
    "new_needs_department": "project 和 department 需要 --department-code 主管部门代码",
    "new_needs_source": "period 需要 --from 来源期间，如 docgen new period 2025-09 --from 2025-06",
}


def export_label(name: str, /, **args: Any) -> str:
    """A Chinese label of docgen export, import-figures or new period/roster, filled in."""
    return EXPORT[name].format(**args)


# --- profiles (issue 15): a repository's forms as data, chosen in docgen.yaml ----------------------------------

MESSAGES.update(
    {
        "E700": "docgen.yaml：{detail}",
        "E701": "表样文件不是「键: 值」形式的映射（{problem}）",
        "E702": "表样「{profile}」不存在。内置表样：{known}；仓库自己的表样请写 docgen.yaml 所在目录下的相对路径（以 .yaml 结尾）",
        "E703": "此处应为{expected}",
        "E704": "不认识的键「{key}」，此处可用的键：{known}",
        "E705": "缺少必填项「{key}」",
        "E706": "「{name}」不是本表样 fields 中定义的共用字段（已定义：{known}）",
        "E707": "字段「{name}」没有 written（报送文件中填写的键），也不是 docgen 认识的字段名",
        "E708": "表格的每一块应写成「类型: {{…}}」，类型为：{known}",
        "E709": "列「{header}」引用了本表中不存在的内容「{field}」（此表可用：{known}）",
        "E710": "列「{header}」（第 {first}-{last} 列）{why}",
        "E711": "「{label}」重复出现（{where}）",
        "E712": "完成目标可能性「{answer}」的 role「{role}」不是 {known} 之一，或与另一档重复",
        "E713": "监控期间 {what}「{value}」不正确：{why}",
        "E714": "规则「{rule}」不存在（docgen 的规则：{known}）",
        "E715": "表「{kind}」缺少 docgen 需要的字段「{name}」",
        "E716": "标识行中的单元格（第 {first}-{last} 列）与同一行的另一单元格重叠，或超出了本表 {columns} 列的网格（0-{end}）",
        "E717": "标识行中的「{field}」不是 docgen 能填入的内容（可用：{known}）",
        "E718": "预算表「{table}」的 field「{field}」在 fields 中没有 kind 为 table 的同名字段",
        "E719": "勾选列「{header}」不是完成目标可能性中的一档（likelihoods：{answers}）",
        "E720": "阈值「{key}」不是规则「{rule}」可设的阈值（可设：{known}）",
    }
)

# --- a profile's wording (issue 15): docgen's own sentences in the words of the profile's form ----------------------

MESSAGES.update(
    {
        "E760": "措辞「{term}」不是 docgen 语句中的说法，无法替换（可替换：{known}）",
    }
)

PROFILE: dict[str, str] = {
    "column_overlaps": "与列「{other}」重叠",
    "column_past_grid": "超出了本表 {columns} 列的网格（0-{end}）",
    "column_reversed": "的起始列大于结束列（first 应不大于 last）",
    "list_header": "内置表样（docgen.yaml 中写「profile: <编号>」选用）：",
    "list_line": "  {id}  {name}（{level}）{current}",
    "list_current": "  ← 当前仓库使用",
    "check_ok": "{path}：表样「{name}」（{id}，{level}）检查通过",
    "check_failed": "{path}：{count} 处错误，请改正后再运行 docgen profile check",
    "show_header": "{title}（表样 {id}：{name}）",
    "show_columns": "列（13 列网格 A–M）：",
    "show_fields": "报送文件中的键：",
    "show_field_line": "  {key}（{kind}{required}）",
    "show_required": "，必填",
    "show_notes": "注：",
    "show_likelihood": "完成目标可能性：{answers}",
    "show_likelihood_requires": "「{answer}」须填写：{what}",
    "requires_reason": "偏差原因分析",
    "requires_measures": "拟采取的措施（备注）",
    "show_period": "监控期间：每年截至 {rounds} 月定期监控，表头印作「{example}」",
    "show_report": "附件1《{title}》各部分：",
    "docgen_yaml_not_mapping": "应为「profile: <表样>」形式的映射",
    "docgen_yaml_unknown": "不认识的键「{key}」（可用：profile）",
    "docgen_yaml_profile": "profile 应为内置表样的编号，或仓库中表样文件的相对路径",
    "docgen_yaml_outside": "表样文件「{path}」不在仓库之内（绝对路径、「..」或符号链接），不会读取",
    "docgen_yaml_missing": "表样文件「{path}」不存在",
    "docgen_yaml_too_big": "文件太大（{size} 字节，上限 {limit}）",
    "docgen_yaml_yaml": "YAML 格式错误：{detail}",
    "profile_invalid": "表样 {path} 有错误，请运行 docgen profile check {path} 查看并改正",
    "file_missing": "表样文件不存在：{path}",
}


# --- sharded builds (issue 18, item 3): docgen build --shard K/N and docgen merge -------------------------------

MESSAGES.update(
    {
        "E800": "分片「{spec}」写法不对：应写作「K/N」，1 ≤ K ≤ N ≤ {most}，例如 --shard 2/4",
        "E801": "分片记录 {where} 不存在、不是普通文件或无法读取（不会跟随符号链接）",
        "E802": "缺少分片记录：第 {missing} 片。请把全部分片作业的记录都交给 docgen merge，缺一片就不合并",
        "E803": "分片记录 {where} 已损坏或被改动：{detail}。请重新运行该分片的 docgen build --shard",
        "E804": "分片记录 {where} 的格式版本为 {found}，本版 docgen 只读版本 {expected}；请用同一版本的 docgen 生成全部分片并合并",
        "E805": "分片记录 {a} 与 {b} 的{what}不同（{x} 与 {y}）：不是同一次构建的分片，不能合并",
        "E806": "第 {shard}/{of} 片出现了两次（{a}、{b}）：同一分片的记录只能交一份",
        "E807": "分片记录是按另一版本的报送文件生成的：{path} {why}。请在同一提交上重新运行全部分片",
        "E808": "分片记录 {where} 中 {path} 的数据与本次从源文件计算的结果不一致（记录已被改动或由另一版本的 docgen 生成），不合并",
        "E809": "分片记录 {where} 列出的输出文件 {path} {why}。"
        "请把各分片作业的 build/ 一并交给合并作业（CI 的 artifacts），再运行 docgen merge",
        "E810": "分片记录 {where} 中 {path} 所属部门 {department} 应由第 {expected} 片生成，而不是第 {shard} 片",
        "E811": "分片记录要写到 {path}，但它在 build/ 之内，或在仓库之外：请写到仓库内 build/ 之外的位置（默认 shards/）",
    }
)

LABELS.update(
    {
        "shard_duplicate_key": "同一对象中有重复的键",
        "shard_too_large": "文件超过 {most} MiB 上限",
        "shard_not_json": "不是 UTF-8 的 JSON",
        "shard_bad_value": "{pointer} 处的值不合规定",
        "shard_count": "分片总数",
        "shard_revision": "源文件版本",
        "shard_profile": "表样",
        "shard_missing_in_tree": "在当前仓库中不存在",
        "shard_changed": "的内容与记录不同",
        "shard_not_recorded": "不在任何分片记录中",
        "shard_twice": "在两份分片记录中都出现",
        "shard_output_missing": "不存在",
        "shard_output_changed": "的内容与记录不同（传递中被改动或缺失）",
        "shard_built": "第 {shard}/{of} 片：生成了 {departments} 个部门的 {count} 份报送文件的附件；分片记录：{record}",
        "shard_merged": "已合并 {of} 片分片记录，生成汇总表和 summary.json：{path}（共 {count} 份报送文件）",
    }
)

CLICK_HELP.update(
    {
        "shard": "分片构建（K/N，如 2/4）：只生成按部门编码分到第 K 片的部门附件，并写分片记录；"
        "汇总表和 summary.json 由 docgen merge 生成。",
        "shard_record": "分片记录写到此文件（须在仓库内、build/ 之外；默认 shards/shard-K-of-N.json）。",
    }
)


# --- approved targets (issue 17 item 4): 批复目标 files, their warnings, import-targets, the diff's and site's rows ----
# Codes E610-E629 / W610-W629; kept together here so that they merge beside the other engineers' blocks.

MESSAGES.update(
    {
        "E610": "批复目标文件「{name}」的位置不对：应放在 submissions/<年度>-<月份>/{folder}/<主管部门代码>.yaml",
        "E611": "批复目标文件在期间目录 {directory} 中，但文件中填写的是 {year}年{month}月",
        "E612": "批复目标文件「{name}」应以主管部门代码命名，文件中填写的主管部门代码是「{code}」（应为 {code}.yaml）",
        "E613": "项目代码 {code} 的批复目标已在第 {first} 行写过，同一项目只能写一次",
        "E614": "指标「{name}」已在第 {first} 行写过，同一项目的指标名称不能重复",
        "E615": "{where}：{detail}",
        "E616": "批复目标表格中有 {count} 处问题，未写入任何文件；请先修正上面列出的问题",
        "E617": "文件已存在，导入会修改其中 {count} 项（可能有人手工修改过），未覆盖。核对下面列出的修改后，加 --force 覆盖",
        "E618": "对照表 {path} 有误：{detail}",
        "W610": "指标「{indicator}」的年度指标值与批复不一致：批复为「{approved}」，报送为「{reported}」，"
        "且没有对应的目标调整记录（结果应用中方式为「调整目标」，写明指标名称、调整后目标、文号和说明）",
        "W611": "批复的指标「{indicator}」（年度指标值「{approved}」）在报送中没有，且没有对应的目标调整记录"
        "（取消指标时调整后目标写「取消」）",
        "W612": "指标「{indicator}」（年度指标值「{reported}」）不在批复目标中，且没有对应的目标调整记录",
        "W613": "批复的指标「{indicator}」在报送中改名为「{renamed}」（批复「{approved}」，报送「{reported}」），"
        "且没有对应的目标调整记录（写明调整后指标名称）",
    }
)

#: Texts of the approved targets: the diff's rows, the site's table, import-targets.
TARGETS_TEXT = {
    "unjustified": "目标与批复不一致",
    "justified": "已按目标调整记录调整",
    "changed": "年度指标值 {approved} → {reported}",
    "removed": "批复指标 {approved} 已删除",
    "added": "新增指标 {reported}",
    "renamed": "改名为「{renamed}」：{approved} → {reported}",
    "record": "（{number}，{date}）",
    "site_same": "一致",
    "site_missing": "—",
    "import_written": "批复目标：已写入 {count} 个文件（{folder}），未改动 {same} 个",
    "import_would_write": "批复目标：将写入 {count} 个文件（{folder}），未改动 {same} 个（--dry-run，未写入任何文件）",
    "import_none": "表格中没有批复目标行（项目代码、三级指标、指标值）",
    "import_missing_column": "缺少「{column}」列（对照表中为「{header}」）",
    "import_empty": "「{column}」为空",
    "import_code": "项目代码「{value}」的写法不对",
    "import_unknown_project": "项目代码 {code} 不在 {period} 的名单中，无法确定主管部门",
    "import_level1": "一级指标「{value}」不在固定分类中（{choices}）",
    "import_level2": "二级指标「{value}」不属于一级指标「{level1}」（{choices}）",
    "import_duplicate": "项目 {code} 的指标「{name}」已在 {first} 写过",
    "import_period": "期间应写作 <年度>-<月份>，如 2025-06",
    "import_no_roster": "期间 {period} 没有名单（{path}）：无法确定各项目的主管部门",
}


def targets_text(key: str, /, **args: Any) -> str:
    """A text of the approved targets, filled in."""
    return TARGETS_TEXT[key].format(**args) if args else TARGETS_TEXT[key]


# --- federation (issue 18, item 4): docgen merge --from, an upper level's roll-up of lower levels' exports -----------

MESSAGES.update(
    {
        "E820": "汇总来源 {where} 不存在、不是普通文件或目录，或是符号链接（不会跟随）",
        "E821": "汇总来源 {where} 超过上限：{detail}",
        "E822": "汇总来源 {where} 不是 docgen export 导出的 SQLite 文件或 CSV 目录：{detail}",
        "E823": "{where} 缺少表 {table}：请让下级用 docgen export --format sqlite（或 csv）重新导出",
        "E824": "{where} 表 {table} 的列与导出格式不符：{detail}",
        "E825": "{where}：列 {column} 的值「{value}」应为{expected}",
        "E826": "{where} 的导出说明（metadata 表）{detail}：无法确认来源已执行涉密规则，不汇总",
        "E827": "{where} 的导出说明没有写明已执行涉密规则（confidential_rules 为「{value}」，应为 applied），不汇总",
        "E828": "{where}：{detail}。导出中不得有涉密内容，来源没有执行涉密规则，不汇总",
        "E829": "{where} 的导出格式版本为 {found}，本版 docgen 只读版本 {expected}：请用同一版本的 docgen 重新导出",
        "E830": "{a} 与 {b} 都是「{region}」{period} 的导出：同一地区同一期只能交一份",
        "E831": "{where}：列 {column} 的值「{value}」不合规定（{detail}）",
        "E832": "{where}：{column} 为「{value}」，但 {table} 表中没有这一行",
        "E833": "docgen merge 要么合并分片记录，要么用 --from 汇总下级的导出，不能同时两种，也不能都没有",
        "E834": "{where} 表 {table} 超过 {most} 行上限",
        "E836": "地区名称「{region}」不合规定：应为 1 到 {most} 个字符，不含换行、制表符等控制字符",
        "E837": "--from 最多 {most} 个汇总来源（给了 {count} 个）",
        "W820": "{period} 缺少 {count} 个地区的导出（{regions}）：该期的合计不含这些地区",
    }
)

LABELS.update(
    {
        "federation_too_large": "文件 {file} 超过 {most}",
        "federation_not_sqlite": "不是 SQLite 数据库",
        "federation_sqlite_broken": "SQLite 文件损坏或过于复杂（{detail}）",
        "federation_not_table": "{table} 不是普通的表",
        "federation_not_utf8": "{file} 不是 UTF-8 编码的 CSV",
        "federation_csv_broken": "{file} 第 {line} 行不是合规的 CSV（{detail}）",
        "federation_csv_width": "第 {line} 行有 {found} 列，应有 {expected} 列",
        "federation_missing_columns": "缺少列 {columns}",
        "federation_extra_columns": "多出列 {columns}",
        "federation_column_order": "列的次序应为 {columns}",
        "federation_declared_type": "列 {column} 声明为 {found}，应为 {expected}",
        "federation_text": "文字（不超过 {most} 个字符）",
        "federation_integer": "整数",
        "federation_real": "数字（绝对值不超过 {most}）",
        "federation_required": "（不能为空）",
        "federation_no_metadata": "缺失",
        "federation_metadata_rows": "应有且只有一行，实有 {count} 行",
        "federation_no_region": "没有地区名称（请让下级用 docgen export --region 地区名称 重新导出）",
        "federation_confidential_column": "表 {table} 有标记涉密的列 {column}",
        "federation_confidential_text": "列 {column} 含「涉密」",
        "federation_withheld_figures": "部门整体 {code}（{period}）标为不导出金额（withheld = 1），却有 {count} 行{what}",
        "federation_figures": "资金数据",
        "federation_indicators": "绩效指标",
        "federation_one_of": "应为 {allowed} 之一",
        "federation_period": "应为 2025-06 这样的期间，且在 periods 表中",
        "federation_duplicate_id": "编号重复",
        "federation_not_negative": "不能为负数",
        "federation_written": "已汇总 {sources} 个下级导出（{regions} 个地区、{periods} 期）：{path}",
        "federation_title": "{period}各地区预算绩效运行监控汇总",
        "federation_subtitle": "序时进度 {time_progress}%　金额单位：万元　来源：{sources}　生成：{generator}",
        "federation_sheet_regions": "地区部门汇总",
        "federation_sheet_red": "红灯项目",
        "federation_sheet_late": "迟报",
        "federation_sheet_sources": "来源",
        "federation_region_total": "{region}合计",
        "federation_total": "合计",
        "federation_note": (
            "注：各地区的数据来自其 docgen export 导出，涉密项目在来源处已不导出，不计入本表；"
            "涉密项目不足规定个数的部门，其部门整体（附件3）的金额不列示。支出进度 = 支出数 ÷ 安排数。"
        ),
        "federation_withheld": "不列示",
        "federation_heading_regions": "各地区、各部门",
        "federation_heading_red": "红灯项目",
        "federation_heading_late": "迟报",
        "federation_heading_sources": "来源",
        "federation_none": "无",
        "federation_late_days": "迟 {days} 天",
    }
)

ROLLUP_COLUMNS.update(
    {
        "region": "地区",
        "level_name": "级次",
        "projects": "项目数",
        "late_days": "迟报天数",
        "profile": "表样",
        "generated_at": "导出时间",
        "docgen_version": "docgen 版本",
        "source": "来源文件",
        "sha256": "SHA-256",
    }
)

CLICK_HELP.update(
    {
        "merge_from": "汇总下级的导出（docgen export --format sqlite 的文件或 --format csv 的目录），可写多次；"
        "写到 build/federation/：summary.json、汇总表.xlsx、汇总.md、index.html。",
        "export_region": "写入导出说明（metadata 表）的地区名称，如 平鲁区；上级用 docgen merge --from 汇总时按它区分地区。",
    }
)


# --- build from the streamed records (issue 18, items 1 and 2) -------------------------------------------------

MESSAGES.update(
    {
        "E840": "{path} 在本次 docgen build 校验之后被改动或已无法读取：附件按校验时的内容生成，不能混用两个版本。"
        "请等文件保存完毕后重新运行 docgen build",
        "E841": "docgen 在用户缓存中为 {path} 保存的文字已损坏，无法读回：请加 --no-cache 重新运行，"
        "或删除缓存文件夹（$XDG_CACHE_HOME/docgen，默认 ~/.cache/docgen）后重新运行",
    }
)
