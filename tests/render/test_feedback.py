"""`docgen feedback`: the bureau's 审核结果反馈 per department, reopened as .docx and converted to PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from docgen import api
from docgen.render import pdf
from tests.render.conftest import CONFIDENTIAL_CODE, DEMO_DEPARTMENT

REVIEW = "submissions/2025-06/审核/财政局-104.yaml"
RECTIFY = "submissions/2025-06/审核/整改-104.yaml"
APPLY = "submissions/2025-06/审核/结果应用-104.yaml"
LETTER = "build/2025-06/审核结果反馈-104-朔州市交通运输局.docx"


def _opinion(code: str, conclusion: str, text: str) -> str:
    return f'  - 项目代码: "{code}"\n    结论: {conclusion}\n    意见: {text}\n    日期: "2025-08-05"\n    审核人: 王敏\n'


def _item(code: str, deadline: str) -> str:
    return (
        f'  - 项目代码: "{code}"\n    问题代码: W401\n    问题: 支出进度偏低。\n    整改措施: 加快拨付。\n'
        f'    责任人: 李明\n    整改期限: "{deadline}"\n    状态: 整改中\n'
    )


@pytest.fixture
def reviewed(small_tree: Path) -> Path:
    head = '年度: 2025\n截至月份: 6\n主管部门代码: "104"\n'
    (small_tree / REVIEW).parent.mkdir(parents=True)
    (small_tree / REVIEW).write_text(
        head
        + "审核单位: 朔州市财政局预算绩效管理科\n审核意见:\n"
        + _opinion("104-2025-001", "退回修改", "支出数与国库支付台账不符。")
        + _opinion(CONFIDENTIAL_CODE, "退回修改", "涉密项目的意见。"),
        encoding="utf-8",
    )
    (small_tree / RECTIFY).write_text(
        head + "整改:\n" + _item("104-2025-001", "2025-09-30") + _item(CONFIDENTIAL_CODE, "2025-09-15"), encoding="utf-8"
    )
    (small_tree / APPLY).write_text(
        head + '结果应用:\n  - 项目代码: "104-2025-001"\n    问题代码: W401\n    方式: 调减预算\n    金额: 50\n'
        '    文号: 朔财绩〔2025〕12号\n    日期: "2025-08-20"\n',
        encoding="utf-8",
    )
    return small_tree


def paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style id, text) of each paragraph of the reopened document."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    out = []
    for para in re.findall(r"<w:p>.*?</w:p>", xml):
        style = re.search(r'<w:pStyle w:val="([^"]+)"', para)
        out.append((style[1] if style else "", "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", para))))
    return out


def test_the_letter_says_the_opinions_problems_rectification_and_applications(reviewed: Path) -> None:
    written = api.feedback(reviewed, period="2025-06")
    assert [p.as_posix() for p in written] == [LETTER]
    texts = [t for _, t in paragraphs(reviewed / LETTER)]
    assert texts[0] == "2025年1-6月绩效运行监控审核结果反馈" and texts[1] == "朔州市交通运输局："
    body = "\n".join(texts)
    assert "退回修改。支出数与国库支付台账不符。" in body
    assert any("（104-2025-001）：退回修改" in t for t in texts)
    assert "整改期限：2025-09-30" in body and "调减预算 50.00 万元（朔财绩〔2025〕12号）" in body
    assert [t for t in texts if t.startswith(("一、", "二、", "三、", "四、"))] == [
        "一、审核意见",
        "二、存在的问题",
        "三、整改要求",
        "四、结果应用",
    ]
    assert texts[-2:] == ["朔州市财政局", "2025年6月30日"]  # the period's last day, never the clock
    # 涉密: neither its code, nor its name, nor its opinion or 整改 appear
    secret = (reviewed / "submissions/2025-06" / DEMO_DEPARTMENT / f"{CONFIDENTIAL_CODE}.yaml").read_text(encoding="utf-8")
    name = re.search(r"项目名称: (.+)", secret)[1]  # type: ignore[index]
    assert CONFIDENTIAL_CODE not in body and name not in body and "涉密项目的意见" not in body and "2025-09-15" not in body


def test_same_data_same_bytes(reviewed: Path) -> None:
    api.feedback(reviewed, department="104")
    first = (reviewed / LETTER).read_bytes()
    api.feedback(reviewed, department="104")
    assert (reviewed / LETTER).read_bytes() == first


def test_a_department_without_submissions_is_a_usage_error(reviewed: Path) -> None:
    with pytest.raises(api.UsageError):
        api.feedback(reviewed, department="999")


@pytest.mark.skipif(
    pdf.soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or pdftotext (poppler-utils) not installed; .ci/run installs them",
)
def test_the_letter_converts_to_an_a4_pdf_with_its_text(reviewed: Path) -> None:
    written = api.feedback(reviewed, department="104", pdf=True)
    target = reviewed / LETTER.replace(".docx", ".pdf")
    assert target.relative_to(reviewed) in written
    text = subprocess.run(
        ["pdftotext", "-raw", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout  # -raw keeps a hyphen at a line end
    flat = re.sub(r"\s+", "", text)
    assert "审核结果反馈" in flat and "整改期限：2025-09-30" in flat and CONFIDENTIAL_CODE not in flat
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d* pts", info)  # A4
