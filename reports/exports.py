"""The annual report of a unit: XLSX (one sheet per indicator group) and
DOCX in the Vietnamese administrative layout (quốc hiệu, tiêu ngữ, số/ký
hiệu, sections I–III, tables, charts as images). Figures come from
``dashboard.build``, the dashboard's own function, for the report year's
period (15/12 of the previous year to 14/12)."""

import io

from django.utils import timezone

from . import charts, dashboard, registry, services

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def report_data(unit, year):
    period = registry.Period.report_year(year)
    return dashboard.build(unit, period, with_charts=False, links=False)


def fmt(value, percent):
    if value is None:
        return "—"
    text = f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
    text = text[:-2] if text.endswith(",0") else text
    return f"{text} %" if percent else text


def target_text(row):
    t = row.target
    if t is None:
        return "—"
    value = fmt(float(t.value), row.indicator.is_percent)
    if t.value_max is not None:
        value = f"{fmt(float(t.value), False)}–{fmt(float(t.value_max), True)}"
    when = f"năm {t.deadline.year}" if t.yearly else f"{t.deadline:%d/%m/%Y}"
    return f"{value} ({when})"


def annual_report(unit, year, fmt_):
    data = report_data(unit, year)
    if fmt_ == "xlsx":
        return xlsx(data)
    return docx(data)


# --- XLSX -------------------------------------------------------------------------


def xlsx(data):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    red = PatternFill("solid", fgColor="FFD7D7")
    wrap = Alignment(wrap_text=True, vertical="top")
    summary = book.create_sheet("Tổng hợp")
    summary.append([f"Báo cáo đánh giá hoạt động thông tin cơ sở – {data['root']}"])
    summary.append([f"Kỳ số liệu: {data['period']}"])
    summary.append([f"Kế hoạch: {data['plan'] or 'chưa có'}"])
    summary["A1"].font = Font(bold=True, size=13)
    for group_label, rows in data["groups"]:
        sheet = book.create_sheet(group_label[:31])
        sheet.append(
            [
                "Mã chỉ tiêu",
                "Chỉ tiêu",
                "Đo trên",
                "Đạt được",
                "Tử số",
                "Mẫu số",
                "Mục tiêu",
                "Thời hạn",
                "Đánh giá",
            ]
        )
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            pct = row.indicator.is_percent
            sheet.append(
                [
                    row.indicator.key,
                    row.indicator.label,
                    row.indicator.measured_on,
                    row.value,
                    row.numerator,
                    row.denominator if pct else None,
                    float(row.target.value) if row.target else None,
                    row.target.deadline if row.target else None,
                    row.status,
                ]
            )
            if row.status == services.MISSED:
                for cell in sheet[sheet.max_row]:
                    cell.fill = red
        sheet.append([])
        sheet.append(["Theo đơn vị trực thuộc"])
        sheet[sheet.max_row][0].font = bold
        children = []
        for row in rows:
            for part in row.by_child:
                if part.unit not in children:
                    children.append(part.unit)
        sheet.append(["Mã đơn vị", "Đơn vị", *[r.indicator.label for r in rows]])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
            cell.alignment = wrap
        for child in children:
            values = []
            for row in rows:
                part = next((p for p in row.by_child if p.unit == child), None)
                values.append(part.value if part else None)
            sheet.append([child.code, str(child), *values])
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 60
        for col in "CDEFGHI":
            sheet.column_dimensions[col].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- DOCX -------------------------------------------------------------------------


def docx(data):
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    root, period, plan = data["root"], data["period"], data["plan"]
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    section = document.sections[0]
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)

    header = document.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    issuer = f"UBND {root.name_with_type or root.name}".upper()
    cells = [
        (0, 0, issuer, True),
        (0, 1, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
        (1, 0, "Số: ……/BC-UBND", False),
        (1, 1, "Độc lập – Tự do – Hạnh phúc", True),
    ]
    for r, c, text, is_bold in cells:
        paragraph = header.cell(r, c).paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = is_bold
        run.font.size = Pt(12 if c == 0 else 13)
    today = timezone.localdate()
    place = document.add_paragraph()
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = place.add_run(
        f"{root.name}, ngày …… tháng {today.month:02d} năm {period.year}"
    )
    run.italic = True

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("BÁO CÁO")
    run.bold = True
    run.font.size = Pt(14)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    plan_title = plan.title if plan else "kế hoạch phát triển thông tin cơ sở"
    run = subtitle.add_run(f"Kết quả thực hiện {plan_title} năm {period.year}")
    run.bold = True
    note = document.add_paragraph()
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.add_run(
        f"(Số liệu tính từ ngày {period.start:%d/%m/%Y} "
        f"đến hết ngày {period.end:%d/%m/%Y})"
    ).italic = True

    def heading(text):
        paragraph = document.add_paragraph()
        paragraph.add_run(text).bold = True

    heading("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    rows = data["rows"]
    met = sum(1 for r in rows if r.status == services.MET)
    with_target = sum(1 for r in rows if r.target is not None)
    document.add_paragraph(
        f"Trong kỳ, {root} đạt {met}/{with_target} chỉ tiêu có mục tiêu của kế "
        "hoạch. Chi tiết từng nhóm chỉ tiêu như sau:"
    )
    for number, (group_label, group_rows) in enumerate(data["groups"], start=1):
        heading(f"{number}. {group_label}")
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ["Chỉ tiêu", "Đạt được", "Mục tiêu (thời hạn)", "Đánh giá", "Ghi chú"],
            strict=True,
        ):
            cell.paragraphs[0].add_run(text).bold = True
        for row in group_rows:
            cells = table.add_row().cells
            pct = row.indicator.is_percent
            detail = (
                f"{fmt(row.numerator, False)}/{fmt(row.denominator, False)} "
                f"{row.indicator.measured_on}"
                if pct and row.denominator
                else row.indicator.measured_on
            )
            for cell, text in zip(
                cells,
                [
                    row.indicator.label,
                    fmt(row.value, pct),
                    target_text(row),
                    row.status,
                    detail,
                ],
                strict=True,
            ):
                cell.text = text
        for row in group_rows:
            if len(row.by_child) < 2 or not row.indicator.is_percent:
                continue
            png = charts.bar_chart_png(
                [(p.unit.name, p.value, None) for p in row.by_child],
                title=row.indicator.label,
                target=row.target_value,
            )
            document.add_picture(io.BytesIO(png), width=Cm(15.5))
            break

    heading("II. ĐƠN VỊ CHƯA ĐẠT CHỈ TIÊU")
    lagging = [r for r in rows if r.laggards and r.target is not None]
    if not lagging:
        document.add_paragraph("Không có đơn vị nào dưới mục tiêu.")
    for row in lagging:
        names = ", ".join(f"{p.unit} ({fmt(p.value, True)})" for p in row.laggards)
        document.add_paragraph(f"{row.indicator.label}: {names}.", style="List Bullet")

    heading("III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ")
    document.add_paragraph("1. Khó khăn, vướng mắc: ……………………………………………")
    document.add_paragraph("2. Đề xuất, kiến nghị: ……………………………………………")

    sign = document.add_table(rows=1, cols=2)
    left = sign.cell(0, 0).paragraphs[0]
    left.add_run("Nơi nhận:\n").bold = True
    left.add_run("- Như trên;\n- Lưu: VT.").font.size = Pt(11)
    right = sign.cell(0, 1).paragraphs[0]
    right.alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.add_run("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n\n\n").bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
