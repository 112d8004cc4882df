"""The rulebook: every monitoring rule (W4xx warnings, the I401 hint) declared once, as data.

A declaration holds everything about a rule except its logic: the stable code, its category (及时性, 合规性,
有效性, 提示), name, whether it runs by default and whether 科研类 projects skip it during the year, its light
(fixed, a hint's 「无」, or graded by thresholds), its default thresholds with the kind of each, the {placeholders}
its message may use, and its Chinese explanation, message and advice.

Its logic is one function in `evaluate/rules/`, in the module of its category, registered against the same code
(`@implements("W401")`); `tests/check/test_rulebook.py` checks that every declared rule has exactly one function
and every function a declaration. The two halves sit in two stages because a repository's rules file
(schema/rules.yaml) is configuration read at check time: `docgen validate schema/rules.yaml` validates it against
a JSON Schema built from these declarations (check/ruleset.py), and check/ may not import evaluate/.

The shipped defaults are these declarations: `ruleset.default_rules()` builds them in memory, and
`src/docgen/check/rules.yaml` (what `docgen rules --init` copies) is written from them by `make rules`
(`ruleset.render_defaults()`); a test keeps the committed file equal to it. To change a default threshold, light or
text, edit the declaration here and run `make rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..form import vocabulary as F

# --- lights ------------------------------------------------------------------------------

RED, YELLOW, BLUE, GREEN = "red", "yellow", "blue", "green"
#: Worst last: a project's light is the worst of its lights. Blue (far ahead: the target was probably
#: set too low) is worse than green because someone should look, better than yellow because nothing is at risk.
LIGHT_ORDER = (GREEN, BLUE, YELLOW, RED)
LIGHTS = tuple(reversed(LIGHT_ORDER))
NONE = "none"  # not evaluated (科研类 exempt, or nothing to compare): shown 「—」
#: 「未评价」: a row, indicator or submission whose figures were stated 「未填报」 (not reported) and that no rule could
#: judge. Not a rank among the lights (never "better" or "worse" than green): a submission is grey when nothing
#: it reported raised a light and something it did not report kept a rule from judging.
GREY = "grey"
HINT = "hint"  # a rule whose findings colour nothing (the rules file's 「灯: 无」)

CATEGORIES = ("及时性", "合规性", "有效性", "提示")

# --- thresholds: their keys in the rules file, and the kind of value each takes ------------------

#: Graded thresholds: 「红灯低于: 60」 means a value < 60 is red (see ruleset.Rule.grade).
RED_BELOW, YELLOW_BELOW, BLUE_FROM, YELLOW_FROM, RED_FROM = "红灯低于", "黄灯低于", "蓝灯不低于", "黄灯不低于", "红灯不低于"

PERCENT, AMOUNT, MONTH, WORDS, LEVEL2, LEVEL1, LIGHT = "percent", "amount", "month", "words", "level2", "level1", "light"

Threshold = tuple[str, Any]  # (kind, default): a number, a light, or a tuple of words


@dataclass(frozen=True)
class Declaration:
    """One monitoring rule: everything but its logic (evaluate/rules/, registered against `code`)."""

    code: str
    name: str
    category: str
    placeholders: tuple[str, ...]  # what `message` may use; the engine passes each
    explain: tuple[str, ...]  # the rules file's 说明, line by line as written there (YAML joins them with a space)
    message: str
    advice: str
    thresholds: Mapping[str, Threshold] = field(default_factory=dict)  # key -> (kind, default), in the file's order
    light: str | None = None  # RED, YELLOW or HINT when fixed; None when the thresholds grade it
    exempt_research: bool = True  # skipped for 科研类 projects during the year (I401 says so)
    enabled: bool = True
    #: The form's columns the rule reads (forms.Form.lacks names them): on a form without one of them the rule is
    #: silent, never an alarm about a column nobody can fill (Hubei's form has no 下达数, national's no 上年结转).
    reads: tuple[str, ...] = ()

    def applies(self, form: Any) -> bool:
        """Whether the rule can speak on a submission of `form` (a forms.Form): it has every column the rule reads."""
        return not any(form.lacks(column) for column in self.reads)

    @property
    def fixed_light(self) -> bool:
        """False when the light comes from graded thresholds (红灯低于 …) rather than the rule itself."""
        return self.light is not None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.thresholds)


DECLARATIONS: dict[str, Declaration] = {}  # by code, in the rules file's order


def _declare(code: str, **given: Any) -> None:
    assert code not in DECLARATIONS, code
    DECLARATIONS[code] = Declaration(code, **given)


# 及时性 ------------------------------------------------------------
_declare(
    "W401",
    name="支出进度滞后",
    category="及时性",
    thresholds={RED_BELOW: (PERCENT, 60), YELLOW_BELOW: (PERCENT, 80)},
    placeholders=("row", "month", "spent", "arranged", "spend_progress", "time_progress", "ratio", "limit", "pending", "pending_note"),
    explain=(
        "预算执行灯（同预算管理一体化系统）：执行率 r = 支出进度 ÷ 序时进度 × 100，",
        "r 低于「红灯低于」为红灯，低于「黄灯低于」为黄灯，否则绿灯。逐行（资金总额及各资金来源）计算，安排数为 0 的行不计算。",
        "填写了「已审批待支付」的行，支出进度按（支出数 + 已审批待支付）÷ 安排数计算：款项已审批、只待支付的项目不亮红灯。",
        "占位符：{row} 行名，{month} 截至月份，{spent} 支出数，{arranged} 安排数，{spend_progress} 支出进度，",
        "{time_progress} 序时进度，{ratio} 执行率 r，{limit} 触发的阈值，{pending} 已审批待支付，",
        "{pending_note} 有已审批待支付时说明已计入（没有时为空）。",
    ),
    message=(
        "「{row}」支出进度 {spend_progress}%（支出 {spent} 万元{pending_note} / 安排 {arranged} 万元），"
        "仅为序时进度 {time_progress}% 的 {ratio}%，低于 {limit}%"
    ),
    advice="加快项目实施和资金支付进度；因政策变化、突发事件等客观原因确实无法按期支出的，及时按程序调减预算并同步调整绩效目标。",
)
_declare(
    "W402",
    reads=("allocated",),
    name="资金下达偏慢",
    category="及时性",
    thresholds={RED_BELOW: (PERCENT, 50), YELLOW_BELOW: (PERCENT, 80)},
    placeholders=("row", "month", "allocated", "budget", "allocation_rate", "time_progress", "ratio", "limit"),
    explain=(
        "下达率 ÷ 序时进度 × 100，低于「红灯低于」为红灯，低于「黄灯低于」为黄灯。本年预算为 0 的行不计算。",
        "占位符：{row} 行名，{month} 截至月份，{allocated} 下达数，{budget} 本年预算，{allocation_rate} 下达率，",
        "{time_progress} 序时进度，{ratio} 下达率与序时进度之比，{limit} 触发的阈值。",
    ),
    message=(
        "「{row}」下达率 {allocation_rate}%（下达 {allocated} 万元 / 本年预算 {budget} 万元），"
        "仅为序时进度 {time_progress}% 的 {ratio}%，低于 {limit}%"
    ),
    advice="加快预算指标下达，及时将资金分解落实到具体实施单位和项目。",
)
_declare(
    "W403",
    reads=("carried_over",),
    name="上年结转资金较大",
    category="及时性",
    thresholds={YELLOW_FROM: (PERCENT, 30)},
    placeholders=("month", "carried_over", "arranged", "share", "limit"),
    explain=(
        "上年结转 ÷ 安排数 × 100（资金总额行），不低于「黄灯不低于」为黄灯。办法第四章：及时性监控重点关注上年结转资金较大的情况；",
        "阈值无统一标准，由财政局设定。",
        "占位符：{month} 截至月份，{carried_over} 上年结转，{arranged} 安排数，{share} 结转占比，{limit} 阈值。",
    ),
    message="上年结转 {carried_over} 万元，占安排数 {arranged} 万元的 {share}%（不低于 {limit}%），结转资金较大",
    advice="优先安排使用上年结转资金，加快结转项目实施进度，避免资金长期沉淀。",
)
_declare(
    "W404",
    reads=("expected",),
    name="预计结转结余",
    category="及时性",
    thresholds={YELLOW_FROM: (PERCENT, 10), RED_FROM: (PERCENT, 30)},
    placeholders=("row", "month", "arranged", "expected", "balance", "share", "limit"),
    explain=(
        "(安排数 − 全年预计支出数) ÷ 安排数 × 100，不低于「红灯不低于」为红灯，不低于「黄灯不低于」为黄灯。逐行计算。",
        (
            "占位符：{row} 行名，{month} 截至月份，{arranged} 安排数，"
            "{expected} 全年预计支出数，{balance} 预计结转结余，{share} 占比，{limit} 阈值。"
        ),
    ),
    message="「{row}」全年预计支出 {expected} 万元，比安排数 {arranged} 万元少 {balance} 万元，预计结转结余占 {share}%（不低于 {limit}%）",
    advice="对预计年底结转结余的资金，及时按程序调减预算，由财政统筹用于急需领域。",
)
_declare(
    "W405",
    reads=("allocated",),
    name="有进展但零支出",
    category="及时性",
    thresholds={"月份不早于": (MONTH, 3)},
    light=YELLOW,
    placeholders=("month", "allocated", "progressed"),
    explain=(
        "截至月份不早于「月份不早于」，支出数为 0，但已下达资金或已有累计类指标取得进展：可能存在已完成未支付（待支付）的款项。",
        "安排数为 0（没有预算）或已填写「已审批待支付」的项目不提示。",
        "占位符：{month} 截至月份，{allocated} 下达数，{progressed} 已有进展的指标个数。",
    ),
    message=(
        "截至{month}月底支出数为 0，但已下达 {allocated} 万元、已有进展的指标 {progressed} 项，请核实是否有已完成未支付（待支付）的款项"
    ),
    advice="核实已完成工作量对应的待支付款项，及时办理资金支付，如实反映预算执行进度。",
)

# 合规性 ------------------------------------------------------------
_declare(
    "W411",
    name="超预算",
    category="合规性",
    light=RED,
    exempt_research=False,
    placeholders=("row", "month", "field", "value", "arranged", "excess"),
    explain=(
        "支出数或全年预计支出数超过安排数（上年结转 + 本年预算）：超预算开支。逐个资金来源检查。",
        "占位符：{row} 行名，{month} 截至月份，{field} 支出数或全年预计支出数，{value} 该数，{arranged} 安排数，{excess} 超出额。",
    ),
    message="「{row}」{field} {value} 万元超过安排数 {arranged} 万元 {excess} 万元（超预算）",
    advice="严格按批复预算执行，杜绝无预算、超预算开支；确需增加支出的，按程序申请调整预算。",
)
_declare(
    "W412",
    reads=("allocated",),
    name="下达数超过本年预算",
    category="合规性",
    light=YELLOW,
    exempt_research=False,
    placeholders=("row", "month", "allocated", "budget"),
    explain=(
        "下达数超过本年预算（下达率超过 100%）。",
        "占位符：{row} 行名，{month} 截至月份，{allocated} 下达数，{budget} 本年预算。",
    ),
    message="「{row}」下达数 {allocated} 万元超过本年预算 {budget} 万元，请核对是否有预算调整依据",
    advice="核对下达数与本年预算；下达数超出本年预算的，应有按程序批准的预算调整依据。",
)
_declare(
    "W413",
    name="与名单不一致",
    category="合规性",
    light=YELLOW,
    exempt_research=False,
    placeholders=("field", "roster_value", "file_value", "roster"),
    explain=(
        "项目的项目名称、主管部门及其代码、预算单位、科研类、涉密标识须与本期名单一致：名称印在报送封面和文件名上，科研类标识决定是否豁免年度中的监控，涉密标识决定是否公开。",
        "占位符：{field} 项目，{roster_value} 名单中的值，{file_value} 本文件中的值，{roster} 名单文件。",
    ),
    message="「{field}」与名单不一致：名单中为 {roster_value}，本文件为 {file_value}",
    advice="与主管部门核对本期名单，统一项目名称、主管部门、预算单位以及科研类、涉密标识。",
)
_declare(
    "W414",
    name="部门项目支出与项目合计不符",
    category="合规性",
    thresholds={"允许差额": (AMOUNT, 0), "允许差异率": (PERCENT, 5)},
    light=YELLOW,
    exempt_research=False,
    placeholders=(
        "month",
        "row",
        "differences",
        "dept_arranged",
        "dept_spent",
        "sum_arranged",
        "sum_spent",
        "projects",
        "missing",
        "erroneous",
        "others",
        "field",
        "difference",
    ),
    explain=(
        "附件3「按支出用途」表的「项目支出」行，与本部门已报送的各项目资金总额合计逐列比较，差额既超过「允许差额」（万元）、",
        "又超过附件3项目支出安排数的「允许差异率」（%）时提示；本部门尚无项目报送时不比较。",
        "口径可能不同（如部分零星项目不在监控范围），故为黄灯而非错误，并允许小额差异。",
        "占位符：{row} 行名，{month} 截至月份，{differences} 每个不一致的列及其附件3数和项目合计数，{field} 第一个不一致的列，",
        "{difference} 该列差额，{dept_arranged} {dept_spent} 附件3 的安排数、支出数，{sum_arranged} {sum_spent} 项目合计的安排数、支出数，",
        "{projects} 已报项目个数，{missing} 名单中尚未报送的项目个数，{erroneous} 已报送但文件有错误（未计入合计）的项目个数，",
        "{others} 说明这两类项目的半句话（都没有时为空）。",
    ),
    message="「{row}」与本部门已报 {projects} 个项目的合计不一致：{differences}{others}",
    advice="核对部门整体支出表与各项目监控表的统计口径和数据，确保项目支出数据一致。",
)

_declare(
    "W415",
    reads=("allocated",),
    name="支出数超过下达数",
    category="合规性",
    light=YELLOW,
    exempt_research=False,
    placeholders=("row", "month", "spent", "allocated", "excess"),
    explain=(
        "支出数超过下达数：尚未下达的资金已经支出，或两个数填反、口径不一。逐个资金来源检查（安排数中的上年结转不需下达，",
        "故以下达数 + 上年结转为限）。",
        "占位符：{row} 行名，{month} 截至月份，{spent} 支出数，{allocated} 下达数，{excess} 超出额。",
    ),
    message="「{row}」支出数 {spent} 万元超过下达数 {allocated} 万元（含上年结转）{excess} 万元",
    advice="核对支出数和下达数的口径；资金未下达先支出的，说明资金来源并及时办理下达手续。",
)
_declare(
    "W416",
    reads=("expected",),
    name="全年预计支出数低于已支出",
    category="合规性",
    light=YELLOW,
    exempt_research=False,
    placeholders=("row", "month", "spent", "expected", "gap"),
    explain=(
        "全年预计支出数比截至本期已经支出的数还少：全年预计支出数应不少于支出数，多为漏填、填反或单位不一。逐个资金来源检查。",
        "占位符：{row} 行名，{month} 截至月份，{spent} 支出数，{expected} 全年预计支出数，{gap} 差额。",
    ),
    message="「{row}」全年预计支出数 {expected} 万元少于截至{month}月已支出的 {spent} 万元（少 {gap} 万元）",
    advice="核实全年预计支出数：应包括已支出的资金和年内预计还将支出的资金。",
)
_declare(
    "W417",
    name="累计数比上期减少",
    category="合规性",
    light=YELLOW,
    exempt_research=False,
    placeholders=("row", "month", "field", "current", "previous", "previous_period", "previous_file"),
    explain=(
        "支出数、下达数都是年初至期末的累计数，同一年度内不会减少：本期比同一项目上一期报送（submissions/ 中同年较早一期）的少时提示。",
        "可能是把当月数当作累计数填写，或上期数据有误。",
        "占位符：{row} 行名，{month} 截至月份，{field} 支出数或下达数，{current} 本期数，{previous} 上期数，",
        "{previous_period} 上一期，{previous_file} 上一期的文件。",
    ),
    message="「{row}」{field} {current} 万元比{previous_period}报送的 {previous} 万元少（累计数不应减少；上期见 {previous_file}）",
    advice="支出数、下达数按年初至期末累计填写；上期数据有误的，更正上期报送。",
)
_declare(
    "W418",
    name="预算变动无调整记录",
    category="合规性",
    light=YELLOW,
    exempt_research=False,
    placeholders=("row", "month", "current", "previous", "previous_period", "previous_file"),
    explain=(
        "本期的本年预算与同一项目上一期报送的不同，但本期没有填写「调整后预算」：预算调整须按程序办理并如实记录",
        "（「本年预算」保留年初预算，「调整后预算」填写调整后的数）。",
        "占位符：{row} 行名，{month} 截至月份，{current} 本期本年预算，{previous} 上期本年预算（有调整的按调整后），",
        "{previous_period} 上一期，{previous_file} 上一期的文件。",
    ),
    message=(
        "「{row}」本年预算 {current} 万元与{previous_period}报送的 {previous} 万元不同，但未填写「调整后预算」（上期见 {previous_file}）"
    ),
    advice="预算经批准调整的，本年预算保留年初预算，在「调整后预算」中填写调整后的数；未调整的，更正本年预算。",
)
_declare(
    "W419",
    name="金额疑似以元填写",
    category="合规性",
    thresholds={"金额不低于": (AMOUNT, 100000)},
    light=YELLOW,
    exempt_research=False,
    placeholders=("row", "month", "field", "value", "limit", "wan"),
    explain=(
        "表中金额以万元为单位；一个金额不低于「金额不低于」（万元）时，多半是把以元计的金额填进了万元栏。",
        "占位符：{row} 行名，{month} 截至月份，{field} 哪一栏，{value} 所填的数，{limit} 阈值，{wan} 按元换算成万元的数。",
    ),
    message="「{row}」{field} 填写为 {value} 万元，不低于 {limit} 万元，是不是以元填写的？若是元，应填 {wan}",
    advice="金额一律以万元为单位填写：元换算成万元要除以 10000（如 3200000 元填 320）。",
)

# 有效性 ------------------------------------------------------------
_declare(
    "W421",
    name="指标完成进度偏差",
    category="有效性",
    thresholds={RED_BELOW: (PERCENT, 60), YELLOW_BELOW: (PERCENT, 80), BLUE_FROM: (PERCENT, 120)},
    placeholders=("name", "month", "target", "result", "planned", "ratio"),
    explain=(
        "指标灯（同预算管理一体化系统），适用于越高越好（≥、不低于或只写数值）的定量指标：",
        "r = 完成情况 ÷ 应达值 × 100。累计类指标（人数、里程等）应达值 = 年度指标值 × 截至月份 ÷ 12；",
        "不累计的指标（比率、满意度、时限、单位成本，或写明「按进度累计: false」）应达值 = 年度指标值。",
        "r 低于「红灯低于」红灯，低于「黄灯低于」黄灯，不低于「蓝灯不低于」蓝灯（远超序时，目标可能偏低），其余绿灯。",
        "占位符：{name} 三级指标，{month} 截至月份，{target} 年度指标值，{result} 完成情况，{planned} 应达值，{ratio} r。",
    ),
    message="指标「{name}」截至{month}月完成 {result}，为应达值 {planned} 的 {ratio}%（年度指标值 {target}）",
    advice="分析指标进度偏差的原因，采取针对性措施加快推进；进度远超预期的，复核年度指标值是否设置偏低。",
)
_declare(
    "W422",
    name="指标未达要求",
    category="有效性",
    light=RED,
    placeholders=("name", "month", "target", "result"),
    explain=(
        "越低越好（≤、不高于、以内，或 0）、区间（90%-95%）和日期类（2025年10月底前）指标：完成情况不在年度指标值要求之内为红灯。",
        "这类指标不按进度折算。",
        "占位符：{name} 三级指标，{month} 截至月份，{target} 年度指标值，{result} 完成情况。",
    ),
    message="指标「{name}」截至{month}月完成 {result}，不符合年度指标值 {target} 的要求",
    advice="查明指标超出控制范围的原因，立即采取纠偏措施，防止问题扩大。",
)
_declare(
    "W423",
    reads=("indicator.expected",),
    name="预计全年达不到目标",
    category="有效性",
    light=YELLOW,
    placeholders=("name", "target", "expected", "miss"),
    explain=(
        "全年指标预计完成情况达不到年度指标值（有调整后指标值的，以调整后为准；区间指标值预计高于区间时为超出）。",
        "占位符：{name} 三级指标，{target} 年度指标值，{expected} 全年预计完成情况，{miss} 「达不到」或「超出」。",
    ),
    message="指标「{name}」全年预计完成 {expected}，{miss}年度指标值 {target}",
    advice="针对预计无法完成的指标制定整改措施；确因客观原因无法实现的，按程序调整绩效目标。",
)
_declare(
    "W424",
    name="完成目标可能性",
    category="有效性",
    thresholds={F.POSSIBLE: (LIGHT, YELLOW), F.IMPOSSIBLE: (LIGHT, RED)},
    placeholders=("name", "likelihood", "remark"),
    explain=(
        "按填报的完成目标可能性给灯：有可能、完全不可能分别给出阈值中设定的灯。",
        "占位符：{name} 三级指标，{likelihood} 完成目标可能性，{remark} 备注（拟采取的措施）。",
    ),
    message="指标「{name}」完成目标可能性为“{likelihood}”",
    advice="对完成目标可能性为“有可能”的指标加强跟踪；“完全不可能”的指标，落实备注中提出的措施，必要时按程序调整绩效目标或调减预算。",
)
_declare(
    "W425",
    reads=("indicator.deviation",),
    name="进度偏差未说明原因",
    category="有效性",
    light=YELLOW,
    placeholders=("name", "month", "result", "planned"),
    explain=(
        "指标完成进度为红灯或黄灯（W421、W422），但未填写「偏差原因分析」。",
        "（完成可能性不是“确定能”或预计全年达不到目标而未填写的，校验时即报错 E305。）",
        "占位符：{name} 三级指标，{month} 截至月份，{result} 完成情况，{planned} 应达值。",
    ),
    message="指标「{name}」截至{month}月完成 {result}，偏离应达值 {planned}，但未填写「偏差原因分析」",
    advice="对进度偏离的指标，从决策、过程和管理等方面分析原因并说明理由。",
)
_declare(
    "W426",
    reads=("indicator.deviation_text",),
    name="偏差原因分析不完整",
    category="有效性",
    thresholds={"关键词": (WORDS, ("决策", "过程", "管理"))},
    light=HINT,
    placeholders=("name", "keywords"),
    explain=(
        "表格注1要求偏差原因分析“分别从决策、过程和管理等方面进行判断和分析”：已填写的偏差原因分析中一个关键词也没有时提示。",
        "占位符：{name} 三级指标，{keywords} 关键词。",
    ),
    message="指标「{name}」的偏差原因分析未从{keywords}等方面说明",
    advice="偏差原因分析应分别从决策、过程和管理等方面进行判断和分析，并说明理由。",
)
_declare(
    "W427",
    name="缺少指标类别",
    category="有效性",
    thresholds={
        "必填一级指标": (LEVEL1, ("产出指标", "效益指标", "满意度指标")),
        "必填二级指标": (LEVEL2, ("数量指标", "质量指标", "时效指标")),
    },
    light=YELLOW,
    placeholders=("missing",),
    explain=(
        "绩效指标应覆盖「必填一级指标」和「必填二级指标」，每类至少一个三级指标。",
        "占位符：{missing} 缺少的指标类别。",
    ),
    message="绩效指标缺少{missing}，无法全面反映绩效目标",
    advice="按绩效目标管理要求补充完善绩效指标，做到产出、效益和满意度指标齐全。",
)
_declare(
    "W428",
    name="指标值无法识别",
    category="有效性",
    light=HINT,
    exempt_research=False,
    placeholders=("name", "field", "value"),
    explain=(
        "指标值含有数字，但不能识别为「比较符号＋数值＋单位」或日期，因此未参与比较。",
        "占位符：{name} 三级指标，{field} 哪一栏，{value} 所填的值。",
    ),
    message=(
        "指标「{name}」的「{field}」为「{value}」，未能识别为数值或日期，"
        "未参与比较；请写成「≥95%」「1200人」「≤30天」「2025年10月底前」这样的形式"
    ),
    advice="规范填写指标值，写明比较符号、数值和计量单位。",
)
_declare(
    "W429",
    name="目标值与完成值无法比较",
    category="有效性",
    light=HINT,
    exempt_research=False,
    placeholders=("name", "target", "result"),
    explain=(
        "年度指标值与完成情况都是数值或日期，但单位或类型不同（如「1200人」与「1200人次」），未参与比较。",
        "占位符：{name} 三级指标，{target} 年度指标值，{result} 完成情况。",
    ),
    message="指标「{name}」的年度指标值 {target} 与完成情况 {result} 单位或类型不一致，未参与比较",
    advice="完成情况应与年度指标值使用相同的计量单位。",
)
_declare(
    "W430",
    name="百分数写成了小数",
    category="有效性",
    light=HINT,
    exempt_research=False,
    placeholders=("name", "field", "value", "percent", "target"),
    explain=(
        "年度指标值是百分数（如「≥95%」），而完成情况或预计完成情况写成了不带单位的小数（如「0.95」），",
        "或者反过来：按所写的值比较会得出「1.01%」这样没有意义的比率，因此未参与比较。",
        "占位符：{name} 三级指标，{field} 哪一栏，{value} 所填的值，{percent} 可能想写的百分数，{target} 对照的指标值。",
    ),
    message="指标「{name}」的「{field}」为「{value}」，是不是 {percent}？对照的指标值为「{target}」，未参与比较",
    advice="百分数请写成带「%」的形式（如「95%」），与年度指标值的单位一致。",
)

# 提示 ------------------------------------------------------------
_declare(
    "I401",
    name="科研类项目暂不监控",
    category="提示",
    light=HINT,
    exempt_research=False,
    placeholders=("month", "count", "rules"),
    explain=(
        "办法第四章：对科研类项目可暂不开展年度中的绩效监控。科研类项目在 1-11 月跳过「科研类豁免」为 true 的规则，并给出本提示。",
        "占位符：{month} 截至月份，{count} 跳过的规则条数，{rules} 跳过的规则名称。",
    ),
    message=(
        "科研类项目按规定可暂不开展年度中的绩效监控，"
        "本期（1-{month}月）未执行及时性、有效性预警规则 {count} 条；请在实施期内结合项目检查等方式加强监控"
    ),
    advice="科研类项目在实施期内结合项目检查等方式加强绩效监控，更加注重绩效目标实现程度和可持续性。",
)
_declare(
    "I402",
    name="未填报，未评价",
    category="提示",
    light=HINT,
    exempt_research=False,
    placeholders=("month", "what", "skipped"),
    explain=(
        "填写为「未填报」的数字、指标值、预算表或绩效指标不参与任何预警规则，不按 0 计算；相关的行、指标显示灰灯「未评价」，并给出本提示。",
        "占位符：{month} 截至月份，{what} 未填报的内容，{skipped} 因此未评价的内容。",
    ),
    message="未填报：{what}，{skipped}本期未评价（灰灯）",
    advice="在正式报送前补填未填报的数据；确实无法取得的，在「其他需要说明的事项」中说明原因。",
)
_declare(
    "I403",
    name="文中比率与计算不符",
    category="提示",
    thresholds={"允许差异": (PERCENT, 1)},
    light=HINT,
    exempt_research=False,
    placeholders=("month", "section", "word", "stated", "computed", "figure"),
    explain=(
        "分析报告正文中写到的使用率、支出进度、执行率等比率，与系统按资金数据计算的支出进度相差超过「允许差异」（百分点）时提示。",
        "占位符：{month} 截至月份，{section} 分析报告的哪一部分，{word} 文中的说法，{stated} 文中的比率，",
        "{computed} 计算的比率，{figure} 计算的是哪一项。",
    ),
    message="分析报告「{section}」中写的{word} {stated}%，与按资金数据计算的{figure} {computed}% 不符",
    advice="正文中引用的比率应与监控表数据一致；口径不同的（如按合同额计算），请在正文中写明口径。",
)
