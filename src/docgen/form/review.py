"""The review loop's own files: 审核意见, 整改 and 结果应用, kept beside the submissions, never inside them.

A reviewer's opinions live in `submissions/<period>/审核/<reviewer>-<部门代码>.yaml` (the reviewer is the
department itself, by its code, or 财政局), the department's 整改 items in `审核/整改-<部门代码>.yaml` and the
bureau's 结果应用 records in `审核/结果应用-<部门代码>.yaml`: a unit's pull request and a reviewer's never touch the
same file, and code owners can give each file to its reviewers. This module holds their schemas (draft-07,
Chinese titles), their typed models and the one rule that turns opinions into a conclusion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from . import limits
from . import vocabulary as F

R = F.REVIEW_KEYS
A = F.ADJUSTMENT_KEYS
DRAFT = "http://json-schema.org/draft-07/schema#"
Schema = dict[str, Any]

#: The kinds of file in a period's review folder, by the English name the checks use.
KINDS = ("review", "rectification", "application")


def kind_in_review_folder(name: str) -> str:
    """The kind of a file in the review folder, from its name (`整改-101.yaml`, `结果应用-101.yaml`, else opinions)."""
    if name.startswith(F.RECTIFICATION_PREFIX):
        return "rectification"
    if name.startswith(F.APPLICATION_PREFIX):
        return "application"
    return "review"


def in_review_folder(path: PurePosixPath | Any) -> bool:
    """Whether a file sits in a period's review folder (`submissions/<period>/审核/…`)."""
    parent = getattr(path, "parent", None)
    return parent is not None and parent.name == F.REVIEW_FOLDER


# --- schemas ------------------------------------------------------------------------------------


def _text(title: str, description: str, *examples: str, limit: int = limits.MAX_TEXT_CHARS) -> Schema:
    node: Schema = {"type": "string", "minLength": 1, "maxLength": limit, "title": title, "description": description}
    if examples:
        node["examples"] = list(examples)
    return node


def _date(title: str, description: str, example: str) -> Schema:
    return {**_text(title, description, example), "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}


def _subject() -> Schema:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": limits.MAX_CODE_CHARS,
        "title": R["subject"],
        "description": f"所针对的项目的项目代码（请用引号括起来）；针对部门整体支出时写「{F.WHOLE_DEPARTMENT}」",
        "examples": ["101-2025-001", F.WHOLE_DEPARTMENT],
    }


def _head(title: str, description: str, listed: str, item: Schema, required_head: tuple[str, ...] = ()) -> Schema:
    """The shape all three files share: the period and the department, then one list."""
    properties: Schema = {
        "$schema": {"type": "string", "title": "模式文件", "description": "编辑器使用的模式文件（一般写在首行注释中）"},
        R["year"]: {
            "type": "integer",
            "minimum": 2000,
            "maximum": 2100,
            "title": R["year"],
            "description": "监控年度，须与所在期间目录一致",
            "examples": [2025],
        },
        R["month"]: {
            "type": "integer",
            "minimum": 1,
            "maximum": 12,
            "title": R["month"],
            "description": "截至月份，须与所在期间目录一致",
            "examples": [6],
        },
        R["department_code"]: {
            "type": "string",
            "minLength": 1,
            "maxLength": limits.MAX_CODE_CHARS,
            "pattern": limits.CODE_PATTERN,
            "title": R["department_code"],
            "description": "被审核的主管部门代码（请用引号括起来），须与文件名中的部门代码一致",
            "examples": ["101"],
        },
        R["reviewer_unit"]: _text(
            R["reviewer_unit"],
            "审核单位全称，如「朔州市财政局预算绩效管理科」「朔州市教育局」",
            "朔州市财政局预算绩效管理科",
            limit=limits.MAX_NAME_CHARS,
        ),
        listed: {"type": "array", "title": listed, "description": description + "（尚无时写 []）", "items": item},
    }
    required = [R["year"], R["month"], R["department_code"], *required_head, listed]
    return {
        "$schema": DRAFT,
        "title": title,
        "description": description,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _item(title: str, description: str, properties: Schema, required: list[str], **extra: Any) -> Schema:
    return {
        "type": "object",
        "title": title,
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        **extra,
    }


def review_schema() -> Schema:
    """A reviewer's opinions on one department's submissions in one period."""
    opinion = _item(
        "一条审核意见",
        "对一份报送（项目或部门整体）的审核结论和意见",
        {
            R["subject"]: _subject(),
            R["conclusion"]: {"enum": list(F.REVIEW_CONCLUSIONS), "title": R["conclusion"], "description": "通过或退回修改"},
            R["opinion"]: _text(R["opinion"], "审核意见正文；退回修改时写明理由和需要修改的内容", "数据与台账一致，同意报送。"),
            R["date"]: _date(R["date"], "审核日期，如 2025-08-05；同一报送有多条意见时以日期最晚的为准", "2025-08-05"),
            R["reviewer"]: _text(R["reviewer"], "审核人姓名", "王敏", limit=limits.MAX_NAME_CHARS),
        },
        [R["subject"], R["conclusion"], R["opinion"], R["date"], R["reviewer"]],
    )
    return _head(
        "审核意见",
        "主管部门或市财政局对一个部门本期各项报送的审核意见，每份报送可有多条（按日期），写在审核目录中，不写进单位的报送文件",
        R["opinions"],
        opinion,
        (R["reviewer_unit"],),
    )


def rectification_schema() -> Schema:
    """A department's 整改 items, each tied to a project (or the department) and the finding that caused it."""
    item = _item(
        "一项整改",
        "监控或审核发现的一个问题及其整改：问题、整改措施、责任人、整改期限、状态和佐证材料",
        {
            R["subject"]: _subject(),
            R["finding"]: {
                "type": "string",
                "title": R["finding"],
                "description": "引发整改的预警或问题代码，如 W401（支出进度偏低）",
                "examples": ["W401"],
            },
            R["problem"]: _text(R["problem"], "存在的问题", "支出进度低于序时进度 30 个百分点以上。"),
            R["measure"]: _text(R["measure"], "整改措施", "加快资金拨付，8 月底前完成招标。"),
            R["owner"]: _text(R["owner"], "整改责任人（姓名或单位）", "李明", limit=limits.MAX_NAME_CHARS),
            R["deadline"]: _date(R["deadline"], "整改期限，如 2025-09-30；逾期未完成的会给出警告", "2025-09-30"),
            R["status"]: {"enum": list(F.RECTIFICATION_STATUSES), "title": R["status"], "description": "未开始、整改中或已完成"},
            R["evidence"]: {
                "type": "array",
                "title": R["evidence"],
                "description": "整改佐证材料的路径或链接",
                "items": _text(
                    "佐证材料文件", "一份佐证材料：仓库中的文件路径或网址", "佐证材料/整改报告.pdf", limit=limits.MAX_NAME_CHARS
                ),
            },
        },
        [R["subject"], R["finding"], R["problem"], R["measure"], R["owner"], R["deadline"], R["status"]],
    )
    return _head("整改台账", "一个部门本期的整改事项，每项对应一个项目（或部门整体）和引发它的问题", R["rectifications"], item)


def application_schema() -> Schema:
    """The bureau's 结果应用 records for one department (第五章)."""
    money = {
        "if": {"properties": {R["measure_kind"]: {"enum": list(F.APPLICATION_WITH_AMOUNT)}}},
        "then": {"required": [R["amount"], R["document_number"]]},
    }
    item = _item(
        "一项结果应用",
        "市财政局对监控结果的应用：调减预算、调整目标、暂缓拨款、停止拨付或收回资金",
        {
            R["subject"]: _subject(),
            R["finding"]: {
                "type": "string",
                "title": R["finding"],
                "description": "引发结果应用的预警或问题代码，如 W401",
                "examples": ["W401"],
            },
            R["measure_kind"]: {
                "enum": list(F.APPLICATION_KINDS),
                "title": R["measure_kind"],
                "description": "、".join(F.APPLICATION_KINDS) + "之一",
            },
            R["amount"]: {
                "type": "number",
                "exclusiveMinimum": 0,
                "title": R["amount"],
                "description": "涉及金额（万元）；调减预算和收回资金必填",
                "examples": [50],
            },
            R["document_number"]: _text(
                R["document_number"], "批准文件的文号；调减预算和收回资金必填", "朔财绩〔2025〕12号", limit=limits.MAX_NAME_CHARS
            ),
            R["date"]: _date(R["date"], "决定日期", "2025-08-20"),
            R["note"]: _text(R["note"], "说明；目标调整时写调整原因", "支出进度严重滞后，按规定调减预算。"),
            **adjustment_properties(),
        },
        [R["subject"], R["finding"], R["measure_kind"], R["date"]],
        allOf=[money, adjustment_rule()],
    )
    return _head("结果应用", "市财政局对一个部门本期监控结果的应用记录", R["applications"], item)


def adjustment_properties() -> Schema:
    """The keys that make a 调整目标 record a 目标调整 of one indicator: which one, from what, to what (the approved
    targets' baseline, form/targets.py, is compared with the submission through them)."""
    value = {"type": ["string", "number"]}
    return {
        A["indicator"]: _text(
            A["indicator"], "调整的指标（批复时的三级指标名称；新增指标写新指标名称）", "资助学生人数", limit=limits.MAX_NAME_CHARS
        ),
        A["original"]: {**value, "title": A["original"], "description": "批复的年度指标值（须与批复目标一致）", "examples": ["≥12000人"]},
        A["adjusted"]: {
            **value,
            "title": A["adjusted"],
            "description": f"调整后的年度指标值，须与报送中的一致；取消该指标时写「{F.TARGET_CANCELLED}」",
            "examples": ["≥11000人", F.TARGET_CANCELLED],
        },
        A["renamed"]: _text(A["renamed"], "指标改名时写调整后的指标名称", "资助困难学生人数", limit=limits.MAX_NAME_CHARS),
    }


def adjustment_rule() -> Schema:
    """A record naming an indicator is a 目标调整: its kind is 调整目标 and it gives the new value, the 文号 and the
    reason (说明)."""
    return {
        "if": {"required": [A["indicator"]]},
        "then": {
            "properties": {R["measure_kind"]: {"enum": [F.ADJUST_TARGET_KIND]}},
            "required": [A["adjusted"], R["document_number"], R["note"]],
        },
    }


SCHEMAS = {"review": review_schema, "rectification": rectification_schema, "application": application_schema}
SCHEMA_FILES = {"review": "review.schema.json", "rectification": "rectification.schema.json", "application": "application.schema.json"}


# --- models -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opinion:
    """One opinion on one submission: by whom (the file's reviewer: 财政局 or the department's code), when, what."""

    period: tuple[int, int]
    department_code: str
    subject: str  # a 项目代码, or 部门整体
    conclusion: str  # 通过 / 退回修改
    opinion: str
    date: str
    reviewer: str  # the person
    reviewer_key: str  # 财政局 or the department code: who must pass it again after a 退回
    unit: str  # the reviewing unit's name
    path: str  # the file it came from
    line: int = 1
    legacy: bool = False  # read from the unit's own 审核意见 (before review files existed)

    @property
    def returned(self) -> bool:
        return self.conclusion == F.REVIEW_CONCLUSIONS[1]

    @property
    def by_bureau(self) -> bool:
        return self.reviewer_key == F.BUREAU


@dataclass(frozen=True)
class Rectification:
    """One 整改 item: the problem a finding revealed, what is done about it, by whom, by when, how far."""

    period: tuple[int, int]
    department_code: str
    subject: str
    finding: str
    problem: str
    measure: str
    owner: str
    deadline: str
    status: str
    evidence: tuple[str, ...]
    path: str
    line: int = 1

    def overdue(self, today: date) -> bool:
        """Not finished and its deadline has passed `today` (the period's end or SOURCE_DATE_EPOCH, never the clock)."""
        return self.status != F.RECTIFICATION_DONE and date.fromisoformat(self.deadline) < today


@dataclass(frozen=True)
class Application:
    """One 结果应用 record: what the bureau did with a result (调减预算 50 万元, 朔财绩〔2025〕12号 …)."""

    period: tuple[int, int]
    department_code: str
    subject: str
    finding: str
    kind: str
    amount: Decimal | None
    document_number: str
    date: str
    note: str
    path: str
    line: int = 1
    indicator: str = ""  # a 目标调整 (kind 调整目标): the indicator adjusted, its approved and its new value
    original: str = ""
    adjusted: str = ""
    renamed: str = ""

    @property
    def adjusts_target(self) -> bool:
        """Whether the record is a 目标调整 of one indicator (the approved targets' warnings look for these)."""
        return self.kind == F.ADJUST_TARGET_KIND and bool(self.indicator)


def reviewer_of(name: str) -> tuple[str, str] | None:
    """(reviewer, department code) from a review file's stem `财政局-101` / `101-101`; None when not so shaped."""
    reviewer, dash, code = name.rpartition("-")
    if not dash or not reviewer or not code:
        return None
    return reviewer, code


def opinions_from(data: dict[str, Any], path: str, lines: list[int]) -> list[Opinion]:
    """The opinions of a valid review file (`lines`: the line of each opinion)."""
    stem = PurePosixPath(path).stem
    who = reviewer_of(stem)
    key = who[0] if who else F.BUREAU
    period = (int(data[R["year"]]), int(data[R["month"]]))
    code = str(data[R["department_code"]])
    return [
        Opinion(
            period=period,
            department_code=code,
            subject=str(o[R["subject"]]),
            conclusion=o[R["conclusion"]],
            opinion=o[R["opinion"]],
            date=str(o[R["date"]]),
            reviewer=o[R["reviewer"]],
            reviewer_key=key,
            unit=str(data.get(R["reviewer_unit"], "")),
            path=path,
            line=lines[i] if i < len(lines) else 1,
        )
        for i, o in enumerate(data[R["opinions"]])
    ]


def rectifications_from(data: dict[str, Any], path: str, lines: list[int]) -> list[Rectification]:
    """The 整改 items of a valid 整改 file."""
    period = (int(data[R["year"]]), int(data[R["month"]]))
    code = str(data[R["department_code"]])
    return [
        Rectification(
            period=period,
            department_code=code,
            subject=str(r[R["subject"]]),
            finding=r[R["finding"]],
            problem=r[R["problem"]],
            measure=r[R["measure"]],
            owner=r[R["owner"]],
            deadline=str(r[R["deadline"]]),
            status=r[R["status"]],
            evidence=tuple(str(e) for e in r.get(R["evidence"]) or ()),
            path=path,
            line=lines[i] if i < len(lines) else 1,
        )
        for i, r in enumerate(data[R["rectifications"]])
    ]


def applications_from(data: dict[str, Any], path: str, lines: list[int]) -> list[Application]:
    """The records of a valid 结果应用 file."""
    period = (int(data[R["year"]]), int(data[R["month"]]))
    code = str(data[R["department_code"]])
    return [
        Application(
            period=period,
            department_code=code,
            subject=str(a[R["subject"]]),
            finding=a[R["finding"]],
            kind=a[R["measure_kind"]],
            amount=Decimal(str(a[R["amount"]])) if a.get(R["amount"]) is not None else None,
            document_number=str(a.get(R["document_number"], "")),
            date=str(a[R["date"]]),
            note=str(a.get(R["note"], "")),
            indicator=str(a.get(A["indicator"], "")),
            original=str(a.get(A["original"], "")),
            adjusted=str(a.get(A["adjusted"], "")),
            renamed=str(a.get(A["renamed"], "")),
            path=path,
            line=lines[i] if i < len(lines) else 1,
        )
        for i, a in enumerate(data[R["applications"]])
    ]


def conclusion(opinions: list[Opinion]) -> str | None:
    """What the opinions on one submission come to: 退回修改 while any reviewer's latest opinion returns it (it
    stays out until that reviewer passes it again), 通过 when the latest of each is 通过, None without opinions.

    The review files win over the unit's own 审核意见 (the old place): legacy opinions count only when no review
    file speaks of the submission. Among one reviewer's opinions the latest date wins; on the same date the one
    written last in the file."""
    current = [o for o in opinions if not o.legacy] or list(opinions)
    if not current:
        return None
    latest: dict[str, Opinion] = {}
    for o in sorted(current, key=lambda o: (o.date, o.path, o.line)):
        latest[o.reviewer_key] = o
    if any(o.returned for o in latest.values()):
        return F.REVIEW_CONCLUSIONS[1]
    return F.REVIEW_CONCLUSIONS[0]
