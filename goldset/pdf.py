"""Lay a Draft out as a compact text PDF with reportlab (standard fonts, compressed, no timestamps)."""

from __future__ import annotations

import io
import random
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from goldset import vocab
from goldset.compose import Block, Draft

BOLD = {"Times-Roman": "Times-Bold", "Helvetica": "Helvetica-Bold", "Courier": "Courier-Bold"}
ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
         "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII",
         "XXVIII", "XXIX", "XXX")  # fmt: skip


def _heading(number: int, text: str, numbering: str, case: str) -> str:
    text = text.upper() if case == "upper" else text
    roman = ROMAN[number] if number < len(ROMAN) else str(number)
    return {
        "decimal": f"{number}. {text}",
        "section": f"Section {number}. {text}",
        "article": f"ARTICLE {number} - {text}",
        "roman": f"{roman}. {text}",
        "clause": f"Clause {number}: {text}",
    }[numbering]


def filler_sections(draft: Draft, count: int) -> list[list[Block]]:
    """`count` headed boilerplate clauses, drawn from the draft's own filler stream."""
    rng = random.Random(draft.filler_seed)
    a, b = draft.roles
    sections = []
    for _ in range(count):
        sentences = rng.sample(vocab.FILLER_SENTENCES, rng.randint(3, 6))
        text = " ".join(s.format(a=a, b=b) for s in sentences)
        sections.append([Block("heading", rng.choice(vocab.CLAUSE_HEADINGS)), Block("para", text)])
    return sections


def _interleave(draft: Draft, filler: list[list[Block]]) -> list[Block]:
    """Spread filler between the labelled sections so fields land on different pages."""
    gaps = max(1, len(draft.sections))
    blocks: list[Block] = []
    for i, section in enumerate(draft.sections):
        blocks += section
        for chunk in filler[i::gaps]:
            blocks += chunk
    return blocks + draft.tail


def render(draft: Draft, filler_count: int) -> tuple[bytes, int]:
    """PDF bytes and page count."""
    font, size_text, numbering, case = draft.layout.split(":")
    size = float(size_text)
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.3, spaceAfter=size * 0.6)
    head = ParagraphStyle("head", parent=body, fontName=BOLD[font], spaceBefore=size * 0.4)
    title = ParagraphStyle("title", parent=head, fontSize=size + 4, leading=size * 1.8, alignment=TA_CENTER)
    flow: list = []
    number = 0
    for block in _interleave(draft, filler_sections(draft, filler_count)):
        if block.kind == "title":
            flow.append(Paragraph(escape(block.text.upper() if case == "upper" else block.text), title))
        elif block.kind == "heading":
            number += 1
            flow.append(Paragraph(escape(_heading(number, block.text, numbering, case)), head))
        elif block.kind == "exhibit":
            flow.append(Paragraph(escape(block.text), title))
        elif block.kind == "para":
            flow.append(Paragraph(escape(block.text), body))
        elif block.kind == "pagebreak":
            flow.append(PageBreak())
        elif block.kind == "table":
            table = Table([list(r) for r in block.rows], hAlign="LEFT")
            table.setStyle(TableStyle([
                ("FONT", (0, 0), (-1, -1), font, size), ("FONT", (0, 0), (-1, 0), BOLD[font], size),
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
            ]))  # fmt: skip
            flow.append(table)
        elif block.kind == "signatures":
            for lines in block.rows:
                paras = [Paragraph(escape(line), body) for line in lines]
                flow.append(KeepTogether([Spacer(1, size), *paras]))

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.setFont(font, size - 2)
        canvas.drawCentredString(LETTER[0] / 2, 0.5 * inch, f"Page {doc.page}")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=LETTER, invariant=1, pageCompression=1, title=draft.name,
        leftMargin=inch, rightMargin=inch, topMargin=0.9 * inch, bottomMargin=0.9 * inch,
    )  # fmt: skip
    doc.build(flow, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue(), doc.page


def render_to_budget(draft: Draft, max_pages: int = 15) -> tuple[bytes, int]:
    """Render with as much filler as reaches the draft's target page count, never above `max_pages`."""
    per_page = 4  # headed filler clauses per page, roughly, at these font sizes
    filler = max(0, (draft.target_pages - 1) * per_page)
    pdf, pages = render(draft, filler)
    for _ in range(4):
        goal = min(draft.target_pages, max_pages)
        if pages == goal or (pages < goal and filler == 0) or (pages > goal and filler == 0):
            break
        filler = max(0, filler + (goal - pages) * per_page)
        pdf, pages = render(draft, filler)
    while pages > max_pages and filler > 0:
        filler = max(0, filler - per_page)
        pdf, pages = render(draft, filler)
    return pdf, pages
