"""The official forms, described once: one `Form` per kind of file (附件2 project, 附件3 department, the roster).

Plain frozen data, no logic. Each form lists its top-level fields (Chinese key, English name, type, title,
description, example, bound), its budget tables (model attribute, YAML key, number 「1.」, fund rows, 附件1 caption),
its identification rows, its target text row, its indicator block (the keys of one indicator, the 一级 -> 二级
taxonomy, the likelihood choices), its notes, its 附件1 title, subject and sections (with each entry's help text) and
the keys of a 审核意见, in the order the grid shows them. Everything else is derived from this description: the JSON
Schemas (schema.py), E220's cells (check/validate.py, by Field.in_cell), the typed model's budget tables (model.py),
the figures of every table (evaluate/figures.py), the .xlsx grid (render/layout.py), 附件1's budget tables and the
subject its drafts name (evaluate/draft.py, evaluate/conclusions.py), the site's tables, summary.json, the diff and
the roll-ups. Adding a fund row, a budget table, a likelihood choice or a 附件1 section here is the whole change
(tests/form/test_forms.py shows it).

The labels themselves are the vocabulary's (vocabulary.py); grid columns are 0-based and inclusive on the 13-column
grid A–M that forms.md proposes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import limits
from . import vocabulary as F

NCOLS = 13  # A..M
LAST = NCOLS - 1

# --- fields ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One key of a file: the English name code uses, the Chinese key a clerk types, and how the schema shows it.

    `kind` says what the value is (schema.py turns each kind into a JSON Schema node): year, month, text, name, code,
    date, flag (true/false, false when not written), boolean (true/false, inferred when not written), choice (one
    of `choices`), value (an indicator value: number or text), amount (万元), count (a whole number), names (a list
    of names), texts (a list of texts, each `item_title`), table (a budget table of this form, by `name`),
    stated_total (the optional typed 资金总额 row), indicators (the form's Indicators block), report (the form's
    附件1 sections), records (a list of records whose fields are `items`).
    """

    name: str
    kind: str
    description: str = ""
    examples: tuple[Any, ...] = ()
    required: bool = False
    title: str = ""  # the hover title; "" means the key itself
    items: tuple[Field, ...] = ()  # kind records: the fields of one record
    min_items: int = 0  # kind records: how many records at least
    item_title: str = ""
    item_description: str = ""
    written: str = ""  # the key, for a field the vocabulary's KEYS does not name
    personal: bool = False  # a person's name or telephone: printed in 附件1 only, never in history, diff or site
    choices: tuple[str, ...] = ()  # kind choice: the values offered, in the form's order
    unreported: bool = False  # kind choice: 「未填报」 is offered beside the choices
    max_chars: int = 0  # kind text: the most characters it may have (0: no bound but the reader's)
    in_cell: bool = False  # max_chars is what one cell of the printed form holds (E220), not a plain bound (E213)

    @property
    def key(self) -> str:
        return self.written or F.KEYS[self.name]

    @property
    def label(self) -> str:
        return self.title or self.key


def field_named(fields: Sequence[Field], key: str) -> Field | None:
    """The field typed under `key` among `fields`, or None."""
    return next((f for f in fields if f.key == key), None)


# --- the grid ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a block: the field it holds, its header, and the grid columns it spans (0-based, inclusive)."""

    field: str
    header: str
    first: int
    last: int
    group: str | None = None  # two-row header: `group` above, spanning the columns that share it
    kind: str = "text"  # money | rate | text | value | tick


@dataclass(frozen=True)
class IdentCell:
    """A cell of the identification rows: a fixed label, or the field whose value goes there."""

    first: int
    last: int
    label: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class Ident:
    """The identification block at the top of the form (name, code, department…), as rows of label and field cells."""

    rows: tuple[tuple[IdentCell, ...], ...]


@dataclass(frozen=True)
class BudgetTable:
    """One budget table: its number (「1.」 on 附件3, none on 附件2), the model attribute and the fund rows.

    `key` is the YAML key it is typed under; `title`/`description` are the schema's; `caption` (with {number}),
    `row_heading` and `draft_heading` are what 附件1 prints for it.
    """

    number: str
    field: str
    rows: tuple[str, ...]
    key: str = ""
    title: str = ""
    description: str = ""
    caption: str = ""
    row_heading: str = ""
    draft_heading: str = ""
    qualifier: str = ""  # what tells it from the form's other budget tables (「按资金性质」), in headings


@dataclass(frozen=True)
class Budget:
    """The budget block: one label down column A beside all of the form's budget tables."""

    label: str  # spans all its tables vertically in column A
    tables: tuple[BudgetTable, ...]


@dataclass(frozen=True)
class Text:
    """A labelled free-text row: the year's performance target."""

    label: str  # columns A:B
    field: str  # columns C:M


@dataclass(frozen=True)
class Indicators:
    """The 绩效指标 block: one row per indicator under a shared header.

    `fields` are the keys of one indicator (INDICATOR_ROW); `taxonomy` the fixed 一级 -> 二级 classification, in the
    form's order; `title`/`description` are the schema's for one indicator.
    """

    label: str
    fields: tuple[Field, ...] = ()
    taxonomy: tuple[tuple[str, tuple[str, ...]], ...] = ()
    title: str = ""
    description: str = ""

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Notes:
    """The notes printed under the table, the same on both forms."""

    texts: tuple[str, ...]


Block = Ident | Budget | Text | Indicators | Notes


@dataclass(frozen=True)
class Form:
    """One official form (附件2, 附件3) or the roster: its fields, the blocks of its grid, its 附件1 report."""

    kind: str  # "project" (附件2) | "department" (附件3) | "roster"
    sheet: str
    title: str
    blocks: tuple[Block, ...]
    fields: tuple[Field, ...] = ()
    description: str = ""  # the schema's description of the file
    report_subject: str = ""  # 「项目」/「部门」: what 附件1 reports on, in the 分析报告's descriptions and the drafts
    report_referent: str = ""  # 「该项目」/「本部门」: how the drafted 监控总体结论 refers back to its subject
    report_title: str = F.REPORT_TITLE
    report: tuple[F.Section, ...] = ()  # 附件1's sections (REPORT_SECTIONS), with the schema's text for each entry

    @property
    def budget(self) -> Budget | None:
        return next((b for b in self.blocks if isinstance(b, Budget)), None)

    @property
    def tables(self) -> tuple[BudgetTable, ...]:
        """The budget tables in the form's order (the first one's 资金总额 is the submission's headline)."""
        budget = self.budget
        return budget.tables if budget is not None else ()

    def table(self, field: str) -> BudgetTable:
        return next(t for t in self.tables if t.field == field)

    @property
    def target(self) -> Text | None:
        return next((b for b in self.blocks if isinstance(b, Text)), None)

    @property
    def indicators(self) -> Indicators | None:
        return next((b for b in self.blocks if isinstance(b, Indicators)), None)

    def field_at(self, path: Sequence[str | int]) -> Field | None:
        """The field of the description a value at `path` (keys and list indices, as the schema's errors give it)
        is typed under, or None when the path leads elsewhere (a 分析报告 section, a key the form does not have)."""
        keys = [p for p in path if isinstance(p, str)]
        fields: Sequence[Field] = self.fields
        found: Field | None = None
        while keys:
            found = field_named(fields, keys.pop(0))
            if found is None:
                return None
            if found.kind == "table" and keys:  # a fund row, then the row's own keys
                keys.pop(0)
                fields = ROW_FIELDS
            elif found.kind == "indicators":
                fields = self.indicators.fields if self.indicators is not None else ()
            else:
                fields = found.items
        return found


BH, IH = F.BUDGET_HEADERS, F.INDICATOR_HEADERS

BUDGET_COLUMNS = (
    Column("carried_over", BH["carried_over"], 2, 2, F.BUDGET_GROUP, "money"),
    Column("budget", BH["budget"], 3, 3, F.BUDGET_GROUP, "money"),
    Column("subtotal", BH["subtotal"], 4, 4, F.BUDGET_GROUP, "money"),
    Column("allocated", BH["allocated"], 5, 5, kind="money"),
    Column("allocation_rate", BH["allocation_rate"], 6, 7, kind="rate"),
    Column("spent", BH["spent"], 8, 8, kind="money"),
    Column("spend_progress", BH["spend_progress"], 9, 10, kind="rate"),
    Column("expected", BH["expected"], 11, 12, kind="money"),
)

INDICATOR_COLUMNS = (
    Column("level1", IH["level1"], 1, 1),
    Column("level2", IH["level2"], 2, 2),
    Column("name", IH["name"], 3, 3),
    Column("target", IH["target"], 4, 4, kind="value"),
    Column("result", IH["result"], 5, 5, kind="value"),
    Column("expected", IH["expected"], 6, 6, kind="value"),
    Column("deviation", IH["deviation"], 7, 8),
    *(Column("likelihood", choice, 9 + i, 9 + i, F.LIKELIHOOD_GROUP, "tick") for i, choice in enumerate(F.LIKELIHOODS)),
    Column("remark", IH["remark"], 12, 12),
)

# --- one indicator (a row of the 绩效指标 block) ------------------------------------------------

IK = F.INDICATOR_FIELDS
#: What an indicator value may look like: the editor offers these first.
VALUE_EXAMPLES = ("≥95%", "1200人", "≤30天", "不低于90%", "有效提升")


def _value(name: str, description: str) -> Field:
    return Field(name, "value", description, VALUE_EXAMPLES, required=name in F.INDICATOR_REQUIRED, written=IK[name])


def _cell(name: str, description: str, example: str, max_chars: int) -> Field:
    """An indicator's text printed in one cell of the grid: bounded by what the cell holds (E220)."""
    return Field(name, "text", description, (example,), written=IK[name], max_chars=max_chars, in_cell=True)


INDICATOR_ROW = (
    Field(
        "level1",
        "choice",
        "产出指标、效益指标或满意度指标",
        required=True,
        written=IK["level1"],
        choices=tuple(F.TAXONOMY),
    ),
    Field(
        "level2",
        "choice",
        "须属于所填一级指标：" + "；".join(f"{a}：{'、'.join(b)}" for a, b in F.TAXONOMY.items()),
        required=True,
        written=IK["level2"],
        choices=F.LEVEL2_ALL,
    ),
    Field("name", "name", "指标名称，如「资助学生人数」", ("资助学生人数", "受助学生家长满意度"), required=True, written=IK["name"]),
    _value("target", "批复的年度指标值"),
    _value("adjusted_target", "按程序调整后的年度指标值（目标调整，没有调整不写）"),
    _value("result", "截至本期末（1-XX月）的指标完成情况"),
    _value("expected", "预计全年能完成的指标值"),
    _cell(
        "deviation",
        "与预期目标产生偏差时必填：分别从决策、过程和管理等方面进行判断和分析，并说明理由",
        "过程方面：部分学校补助发放通知不及时，家长知晓度不高。",
        limits.MAX_DEVIATION_CHARS,
    ),
    Field(
        "likelihood",
        "choice",
        f"确定能、有可能、完全不可能三选一（即表格中打“√”的一项）；尚不能判断时填「{F.NOT_REPORTED}」",
        required=True,
        written=IK["likelihood"],
        choices=F.LIKELIHOODS,
        unreported=True,
    ),
    _cell("remark", "选“完全不可能”时必须在此提出拟采取的措施", "拟于第三季度调整实施方案，并报主管部门审核。", limits.MAX_REMARK_CHARS),
    Field(
        "cumulative",
        "boolean",
        "该指标的完成情况是否随时间累计、按序时进度比较：逐月累加的（培训人次、新建里程）写 true；"
        "一次性的（选聘 1 家机构）、存量的（开放场馆数、服务能力）、按日或按期计的（日均清扫面积）以及比率、满意度、"
        "时限、单位成本写 false。不写时从单位和指标名称谨慎推断，无法判断的不按序时进度比较。",
        written=IK["cumulative"],
    ),
    Field(
        "evidence",
        "texts",
        "佐证材料文件的路径或链接",
        ("佐证材料/补助资金发放花名册.pdf",),
        written=IK["evidence"],
        item_title="佐证材料文件",
        item_description="一份佐证材料：仓库中的文件路径或网址",
    ),
)

INDICATORS = Indicators(
    F.INDICATOR_BLOCK,
    fields=INDICATOR_ROW,
    taxonomy=tuple(F.TAXONOMY.items()),
    title=F.INDICATOR_BLOCK,
    description="一行三级指标：一级、二级指标按表格固定分类填写。",
)

# --- 附件1 ---------------------------------------------------------------------------------------

#: What the schema says of each 分析报告 entry, and its example ({subject}: the form's report_subject).
_REPORT_HELP = {
    "基本情况": (
        "{subject}概况、主要内容、起止时间、实施计划、年度目标和预算情况",
        "本{subject}于2025年1月启动，主要内容是……，年度预算安排……万元。",
    ),
    "预算执行情况分析": ("不写时由系统根据资金数据自动起草", "截至6月底，年度预算安排……万元，已下达……万元，已支出……万元。"),
    "绩效目标实现情况分析": ("不写时由系统根据绩效指标自动起草", "截至6月底，……项指标已完成序时进度。"),
    "绩效监控延伸情况": (
        "政府采购、工程招标、监理和验收、信息公开、资产管理、会计核算等",
        "政府采购、资金支付均按规定程序办理，无违规情况。",
    ),
    "监控总体结论": ("绩效监控的总体结论", "{subject}总体进展顺利，预计能够完成年度绩效目标。"),
    "偏差原因分析": ("预算执行和绩效目标出现偏差的原因分析", "支出进度低于序时进度，主要原因是……"),
    "存在问题及整改措施和建议": ("存在问题及整改措施和建议", "存在问题：……。整改措施：……。"),
    "其他需要说明的事项": ("其他需要说明的事项", "无。"),
}
#: 附件1's sections (vocabulary.REPORT_SECTIONS) with the schema's description and example of each entry.
REPORT_SECTIONS = tuple(
    replace(s, description=_REPORT_HELP[s.key][0], example=_REPORT_HELP[s.key][1]) if s.key else s for s in F.REPORT_SECTIONS
)

# --- 审核意见 ------------------------------------------------------------------------------------

REVIEW = (
    Field(
        "unit",
        "name",
        "如「朔州市教育局」「市财政局预算绩效管理科」",
        ("朔州市教育局", "市财政局预算绩效管理科"),
        required=True,
        written=F.REVIEW_FIELDS["unit"],
    ),
    Field("reviewer", "name", "审核人姓名", ("王敏",), written=F.REVIEW_FIELDS["reviewer"]),
    Field("date", "date", "审核日期，如 2025-07-20", ("2025-07-20",), required=True, written=F.REVIEW_FIELDS["date"]),
    Field("conclusion", "choice", "通过或退回修改", required=True, written=F.REVIEW_FIELDS["conclusion"], choices=F.REVIEW_CONCLUSIONS),
    Field("opinion", "text", "审核意见正文", ("数据与台账一致，同意报送。",), required=True, written=F.REVIEW_FIELDS["opinion"]),
)

# --- the fields shared by the forms ------------------------------------------------------------

YEAR = Field("year", "year", "预算年度，如 2025", (2025,), required=True)
MONTH = Field("month", "month", "监控期间截至的月份：1-6月写 6（定期监控），日常监控写当月", (6,), required=True)
DEPARTMENT = Field("department", "name", "主管部门全称，如「朔州市教育局」", ("朔州市教育局",), required=True)
DEPARTMENT_CODE = Field("department_code", "code", "主管部门预算代码", ("101",), required=True)
INDICATOR_LIST = Field("indicators", "indicators", "每个三级指标一项", required=True)
REPORT = Field("report", "report", "附件1《支出绩效监控分析报告》各部分的正文")
REVIEWS = Field(
    "reviews",
    "records",
    "主管部门或市财政局的审核意见，每次审核一条",
    items=REVIEW,
    item_title="一条审核意见",
    item_description="审核单位、审核人、日期、结论（通过或退回修改）和意见",
)
#: 附件1's 落款 and the contact block under it: optional; what is not given is left blank on paper to be filled by hand.
SIGN_OFF = (
    Field("signed_on", "date", "附件1落款的成文日期，如 2025-07-10；不填则落款处留空，打印后手写", ("2025-07-10",)),
    Field("head", "name", "报送单位负责人姓名，印在附件1末尾", ("王建国",), personal=True),
    Field("preparer", "name", "填报人姓名，印在附件1末尾", ("李明",), personal=True),
    Field("phone", "name", "填报人联系电话，如 0349-2021234", ("0349-2021234",), personal=True),
)

# --- the optional keys of a fund row (issue 14: what happened to the money, as real reports say it) ----------

LINE_ITEM = (
    Field("name", "name", "明细项目的名称", ("教材采购",), required=True, written=F.LINE_ITEM_FIELDS["name"]),
    Field("amount", "amount", "该项金额", (12.5,), required=True, written=F.LINE_ITEM_FIELDS["amount"]),
    Field("use", "text", "该项资金的用途", ("用于秋季学期教材采购",), written=F.LINE_ITEM_FIELDS["use"]),
)

#: Optional beside the five amounts of every fund row (schema.py, model.py and the figures read them from here).
ROW_FIELDS = (
    Field(
        "adjusted_budget",
        "amount",
        "按程序调整（第五章 调减预算）后的本年预算。填写后「本年预算」作为年初预算保留，下达率、支出进度按调整后预算计算，两者都显示",
        (80,),
        written=F.ROW_EXTRA_FIELDS["adjusted_budget"],
    ),
    Field(
        "pending",
        "amount",
        "已审批、尚未支付的金额：支出数仍按实际支付填写，支出进度预警（W401）把它计入，起草的结论也会说明",
        (20,),
        written=F.ROW_EXTRA_FIELDS["pending"],
    ),
    Field(
        "items",
        "records",
        "本行资金的明细（一笔资金打包了几项活动时填写）：各项金额之和须等于本行安排数（上年结转＋本年预算，有调整后预算的按调整后预算）",
        items=LINE_ITEM,
        min_items=1,
        item_title="一项明细",
        item_description="一项明细：名称、金额（万元）和用途",
        written=F.ROW_EXTRA_FIELDS["items"],
    ),
)

MONITORED_PROJECTS = Field(
    "monitored_projects",
    "count",
    "本部门纳入本期绩效监控的项目个数（可不填）。填写时系统与名单中的应报项目数和已报送的项目数核对",
    (12,),
    written=F.MONITORED_PROJECTS,
)

# --- 附件2 ---------------------------------------------------------------------------------------

PROJECT_FORM = Form(
    kind="project",
    sheet="附件2",
    title=F.PROJECT_TABLE_TITLE,
    description="附件2：一个项目一个文件，另含附件1分析报告的正文。",
    report_subject="项目",
    report_referent="该项目",
    report=REPORT_SECTIONS,
    blocks=(
        Ident(
            (
                (IdentCell(0, 1, label=F.PROJECT_NAME_LABEL), IdentCell(2, LAST, field="name")),
                (
                    IdentCell(0, 1, label=F.PROJECT_DEPARTMENT_LABEL),
                    IdentCell(2, 6, field="department_and_code"),
                    IdentCell(7, 8, label=F.UNIT_LABEL),
                    IdentCell(9, LAST, field="unit"),
                ),
            )
        ),
        Budget(
            F.PROJECT_BUDGET_BLOCK,
            (
                BudgetTable(
                    "",
                    "funds",
                    F.PROJECT_FUND_ROWS,
                    key=F.KEYS["funds"],
                    title=F.PROJECT_BUDGET_BLOCK,
                    description="按资金来源分行填写。",
                    caption="表{number}  项目资金预算执行情况（单位：万元）",
                    row_heading="资金来源",
                    draft_heading="分资金来源看，",
                ),
            ),
        ),
        Text(F.PROJECT_TARGET_LABEL, "target"),
        INDICATORS,
        Notes(F.TABLE_NOTES),
    ),
    fields=(
        YEAR,
        MONTH,
        Field("project_name", "name", "项目全称，与预算批复一致", ("城乡义务教育家庭经济困难学生生活补助",), required=True),
        Field("project_code", "code", "预算管理一体化系统中的项目代码", ("101-2025-001",), required=True),
        DEPARTMENT,
        DEPARTMENT_CODE,
        Field("unit", "name", "具体实施项目的预算单位（部门本级或所属单位）", ("朔州市教育局本级",), required=True),
        Field("research", "flag", "科研类项目可暂不开展年度中的绩效监控（true/false）"),
        Field("confidential", "flag", "涉密项目的材料一律不公开、不上站点（true/false）"),
        Field("period_span", "text", "项目起止时间，如「2023年1月—2025年12月」", ("2025年1月—2025年12月",)),
        Field("funds", "table", required=True),
        Field("stated_total", "stated_total", "资金总额（可不填，由系统计算）。填写时系统核对它与各行之和是否一致。"),
        Field(
            "project_target",
            "text",
            "批复的项目年度绩效目标",
            ("按标准足额发放生活补助，保障困难学生顺利完成学业。",),
            required=True,
            max_chars=limits.MAX_TARGET_CHARS,
            in_cell=True,
        ),
        INDICATOR_LIST,
        REPORT,
        *SIGN_OFF,
        REVIEWS,
    ),
)

# --- 附件3 ---------------------------------------------------------------------------------------

DEPARTMENT_FORM = Form(
    kind="department",
    sheet="附件3",
    title=F.DEPARTMENT_TABLE_TITLE,
    description="附件3：每个主管部门一个文件（部门整体.yaml），另含附件1分析报告的正文。",
    report_subject="部门",
    report_referent="本部门",
    report=REPORT_SECTIONS,
    blocks=(
        Ident(((IdentCell(0, 1, label=F.DEPARTMENT_LABEL), IdentCell(2, LAST, field="department_and_code")),)),
        Budget(
            F.DEPARTMENT_BUDGET_BLOCK,
            (
                BudgetTable(
                    F.DEPARTMENT_TABLE_NUMBERS[0],
                    "funds_by_type",
                    F.DEPT_FUND_ROWS_BY_TYPE,
                    key=F.KEYS["funds_by_type"],
                    title=F.DEPARTMENT_BUDGET_BLOCK + F.DEPARTMENT_TABLE_NUMBERS[0] + " 按资金性质",
                    description="按资金性质分行填写。",
                    caption="表{number}  部门预算执行情况（按资金性质，单位：万元）",
                    row_heading="资金来源",
                    draft_heading="按资金性质分，",
                    qualifier="按资金性质",
                ),
                BudgetTable(
                    F.DEPARTMENT_TABLE_NUMBERS[1],
                    "funds_by_use",
                    F.DEPT_FUND_ROWS_BY_USE,
                    key=F.KEYS["funds_by_use"],
                    title=F.DEPARTMENT_BUDGET_BLOCK + F.DEPARTMENT_TABLE_NUMBERS[1] + " 按支出用途",
                    description="基本支出和项目支出。",
                    caption="表{number}  部门预算执行情况（按支出用途，单位：万元）",
                    row_heading="支出用途",
                    draft_heading="按支出用途分，",
                    qualifier="按支出用途",
                ),
            ),
        ),
        Text(F.DEPARTMENT_TARGET_LABEL, "target"),
        INDICATORS,
        Notes(F.TABLE_NOTES),
    ),
    fields=(
        YEAR,
        MONTH,
        DEPARTMENT,
        DEPARTMENT_CODE,
        Field("funds_by_type", "table", required=True),
        Field("funds_by_use", "table", required=True),
        MONITORED_PROJECTS,
        Field(
            "dept_target",
            "text",
            "部门整体年度绩效目标",
            ("保障全市各级各类教育事业正常运转，推进义务教育优质均衡发展。",),
            required=True,
            max_chars=limits.MAX_TARGET_CHARS,
            in_cell=True,
        ),
        INDICATOR_LIST,
        REPORT,
        *SIGN_OFF,
        REVIEWS,
    ),
)

# --- the roster --------------------------------------------------------------------------------

EXPECTED_PROJECT = (
    Field("project_code", "code", "应报项目的代码", ("101-2025-001",), required=True),
    Field("project_name", "name", "应报项目名称", ("城乡义务教育家庭经济困难学生生活补助",), required=True),
    Field("unit", "name", "实施项目的预算单位", ("朔州市教育局本级",), required=True),
    Field("research", "flag", "科研类项目"),
    Field("confidential", "flag", "涉密项目"),
)

ROSTER_DEPARTMENT = (
    DEPARTMENT,
    DEPARTMENT_CODE,
    Field(
        "units", "names", "部门本级及所属单位", ("朔州市教育局本级", "朔州市第一中学"), required=True, item_description="一个预算单位的全称"
    ),
    Field(
        "expected_projects",
        "records",
        "本期须报送监控表的项目",
        required=True,
        items=EXPECTED_PROJECT,
        item_title="应报项目",
        item_description="一个本期须报送监控表的项目：代码、名称、预算单位，以及是否科研类、涉密",
    ),
)

ROSTER_FORM = Form(
    kind="roster",
    sheet="",
    title="绩效监控报送名单",
    description="一个监控期间一个文件（名单.yaml）：应报送的部门、预算单位和项目。",
    blocks=(),
    fields=(
        YEAR,
        MONTH,
        Field("deadline", "date", "报送截止日期，如 2025-07-31", ("2025-07-31",), required=True),
        Field(
            "departments",
            "records",
            "本期应报送的主管部门",
            required=True,
            items=ROSTER_DEPARTMENT,
            min_items=1,
            item_title="应报部门",
            item_description="一个本期须报送的主管部门：名称、代码、所属预算单位和应报项目",
        ),
    ),
)

FORMS: dict[str, Form] = {"project": PROJECT_FORM, "department": DEPARTMENT_FORM, "roster": ROSTER_FORM}
#: The keys that hold personal data (Field.personal), per kind of file: printed in 附件1 and nowhere else, so history,
#: the diff, the site and summary.json leave them out (history/changes.py drops them from every version it reads).
PERSONAL_KEYS: dict[str, frozenset[str]] = {kind: frozenset(f.key for f in form.fields if f.personal) for kind, form in FORMS.items()}


def form_of(submission: Any) -> Form:
    """The form a typed submission (or roster) was filled in on, by its `kind`."""
    return FORMS[submission.kind]
