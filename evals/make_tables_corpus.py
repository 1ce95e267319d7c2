"""Write evals/corpora/tables/: policy papers whose figures sit in tables, and questions about them.

Five written test documents (not real reporting): a heat plan as a PDF with ruled tables, a
broadband fund's allocations as a PDF whose whitespace-aligned table runs over a page break (its
header repeated on the next page), a water programme as a Word file whose header has a merged
cell, a transit programme as an HTML page (two header rows, `th` scopes) and a library report in
Markdown (a pipe table). The script places every table row itself, so it knows the page of each
cell and writes the `location` a cell citation must carry into the question set; the extractor
never sees these expectations.

    .venv/bin/python evals/make_tables_corpus.py          # rewrites evals/corpora/tables/
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET = HERE / "corpora" / "tables"
FONT, BOLD, SIZE, LEADING, WIDTH = "Helvetica", "Helvetica-Bold", 10, 14, 468
TOP, BOTTOM, LEFT = 720, 80, 72


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    stops: tuple[int, ...]  # x of each column's left edge (PDF points from the left margin)
    ruled: bool = True


# fmt: off
HEAT_TITLE = "Riverton Heat Resilience Plan 2026-2028"
HEAT: list[Any] = [
    ("h", HEAT_TITLE),
    ("p", "City of Riverton, Office of Climate Adaptation. Adopted by the city council on February 10, 2026."),
    ("h", "Summary"),
    ("p", "Riverton recorded 19 days above 35 degrees Celsius in 2025, more than twice the average of the "
          "previous decade. This plan sets out how the city will keep residents safe during heat waves over "
          "the next three years. It is led by Chief Resilience Officer Dana Okafor."),
    ("p", "A heat alert is issued when the forecast maximum reaches 35 degrees Celsius on two consecutive "
          "days. During an alert, cooling centres extend their hours and outreach teams visit residents "
          "over 75 who live alone."),
    ("h", "Programmes"),
    ("p", "The plan funds five programmes. Tree planting adds 12,000 street trees by 2028, chosen for shade "
          "in the neighbourhoods with the least canopy. Shade structures cover bus stops and playgrounds. "
          "The early warning system sends text alerts to registered residents."),
    ("table", Table(
        "Table 1: Programme budget by year",
        ("Programme", "2026", "2027", "2028"),
        (("Tree planting", "$5.5M", "$6.0M", "$6.2M"),
         ("Cooling centres", "$3.2M", "$3.4M", "$3.5M"),
         ("Shade structures", "$1.1M", "$0.6M", "$0.8M"),
         ("Early warning system", "$0.9M", "$0.4M", "$0.3M"),
         ("Community outreach", "$0.7M", "$0.7M", "$0.8M"),
         ("Total", "$11.4M", "$11.1M", "$11.6M")),
        (0, 180, 270, 360),
    )),
    ("p", "Spending on shade structures falls in 2027 because most bus stop canopies are installed in the "
          "first year. The early warning system costs less once its software is in place."),
    ("h", "Cooling centres"),
    ("p", "Three public buildings will serve as cooling centres. Each has backup power and drinking water, "
          "and staff trained in first aid for heat illness."),
    ("table", Table(
        "Table 2: Cooling centre sites",
        ("Site", "Capacity (people)", "Opens"),
        (("Riverton Central Library", "120", "June 1, 2026"),
         ("Eastside Community Hall", "80", "June 15, 2026"),
         ("Harbour Sports Centre", "200", "July 1, 2026")),
        (0, 190, 320),
    )),
    ("h", "Review"),
    ("p", "The Office of Climate Adaptation will review the plan by March 31, 2027 and report to the council "
          "on heat-related hospital admissions, which numbered 212 in 2025."),
]

BROADBAND_TITLE = "Rural Broadband Fund: Regional Allocations 2026-2027"
_FILLER = (
    "Regions were consulted between October and December 2025. Each regional office collected maps of "
    "existing coverage from providers and checked them against complaints from residents, schools and "
    "clinics. Where the maps and the complaints disagreed, field teams measured speeds at the premises."
)
BROADBAND: list[Any] = [
    ("h", BROADBAND_TITLE),
    ("p", "Department of Digital Infrastructure. Programme guidance, second edition."),
    ("h", "About the fund"),
    ("p", "The Rural Broadband Fund was announced on March 3, 2026 by Minister for Digital Infrastructure "
          "Priya Raman. It pays for fibre and fixed wireless networks in places that commercial providers "
          "have not reached."),
    ("p", "Applications open on September 1, 2026 and close on November 30, 2026. Providers may apply for "
          "one or more regions. Funded networks must deliver a download speed of at least 100 Mbps to every "
          "premises they pass."),
    ("h", "How allocations were set"),
    ("p", "Each region's allocation follows the number of underserved households, that is, premises without "
          "a connection of at least 25 Mbps, weighted by the cost of building in its terrain."),
    ("p", _FILLER),
    ("p", "Mountain and island regions carry a higher weight because a kilometre of fibre there costs up to "
          "three times as much as in flat farmland. The weights were published for comment in January 2026."),
    ("p", "Allocations for 2027 may be adjusted by up to ten percent once the first year's contracts are "
          "signed. Unspent money returns to the fund, not to the region."),
    ("p", "Providers must report progress every quarter, with the number of premises passed and connected, "
          "and the average speed measured at a sample of them."),
    ("p", "The fund will also publish a public map of every funded project, updated each quarter, so that "
          "residents can see when their street is scheduled to be connected."),
    ("p", "Community groups, local councils and cooperatives may apply alongside commercial providers, "
          "provided they show that they can operate the network for at least ten years after it is built."),
    ("p", "The table below gives each region's allocation for both years and the number of underserved "
          "households on which it is based. Figures are in millions of dollars."),
    ("table", Table(
        "Table 1: Allocations by region",
        ("Region", "Allocation (2026)", "Allocation (2027)", "Underserved households"),
        (("Northern Highlands", "$205M", "$180M", "142,000"),
         ("Western Plains", "$176M", "$190M", "210,000"),
         ("Coastal South", "$232M", "$215M", "98,000"),
         ("Eastern Valleys", "$118M", "$125M", "87,500"),
         ("Central Lakes", "$96M", "$104M", "64,000"),
         ("River Delta", "$143M", "$150M", "121,000"),
         ("Southern Uplands", "$88M", "$92M", "53,000"),
         ("Northern Coast", "$71M", "$75M", "41,000"),
         ("Total", "$1,129M", "$1,131M", "816,500")),
        (0, 150, 260, 370),
        ruled=False,
    )),
    ("h", "Oversight"),
    ("p", "An independent audit of the fund will be completed by June 30, 2028."),
]

WATER_TITLE = "Water Infrastructure Renewal Programme: Project Funding"
WATER_PARAGRAPHS = [
    ("Heading 1", "Overview"),
    (None, "The Regional Water Authority manages the renewal programme, which replaces ageing treatment, "
           "storage and distribution assets across four districts."),
    (None, "Federal and state governments share the cost. The federal share comes from the National Water "
           "Security Grant, approved on April 22, 2026."),
    ("Heading 1", "Projects"),
]
WATER_TABLE = (
    ("Riverton Treatment Plant", "$42.0M", "$18.5M", "2028"),
    ("Millbrook Reservoir Upgrade", "$27.5M", "$12.0M", "2027"),
    ("Eastside Mains Replacement", "$15.0M", "$9.5M", "2029"),
    ("Harbour Pumping Station", "$11.2M", "$6.8M", "2027"),
)
WATER_AFTER = [
    ("Heading 1", "Timeline"),
    (None, "Construction on the Riverton Treatment Plant starts in the second half of 2026. The authority "
           "expects to replace 38 kilometres of water mains by the end of the programme."),
]

TRANSIT_TITLE = "Metro Transit Capital Programme 2026"
TRANSIT_HTML = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{TRANSIT_TITLE}</title></head>
<body>
<h1>{TRANSIT_TITLE}</h1>
<p>Metro Transit Authority. Approved by the board on January 28, 2026.</p>
<h2>Priorities</h2>
<p>The capital programme replaces diesel buses, renews the light rail signalling system and makes
stations step-free. By the end of 2027, 150 electric buses will be in service.</p>
<h2>Budget</h2>
<table>
  <caption>Capital budget by line item</caption>
  <thead>
    <tr><th scope="col" rowspan="2">Line item</th><th scope="colgroup" colspan="2">Budget</th>
        <th scope="col" rowspan="2">Status</th></tr>
    <tr><th scope="col">2026</th><th scope="col">2027</th></tr>
  </thead>
  <tbody>
    <tr><th scope="row">Bus fleet electrification</th><td>$64M</td><td>$71M</td><td>Under way</td></tr>
    <tr><th scope="row">Light rail signalling</th><td>$38M</td><td>$22M</td><td>Tendering</td></tr>
    <tr><th scope="row">Station accessibility upgrades</th><td>$19M</td><td>$24M</td><td>Under way</td></tr>
    <tr><th scope="row">Bike lane network</th><td>$7M</td><td>$9M</td><td>Planned</td></tr>
  </tbody>
</table>
<p>The signalling contract is expected to be awarded in September 2026.</p>
</body>
</html>
"""

LIBRARY = """---
title: Riverton Library Services Annual Report 2025
byline: Riverton Library Board
event_date: 2026-03-02
---
# Riverton Library Services Annual Report 2025

The library service ran four branches in 2025. Visits rose by 8% on the year before, led by the
Central Library after its reading room reopened in May.

## Use by branch

| Branch | Visits (2025) | Loans (2025) | Hours per week |
|---|---:|---:|---:|
| Central Library | 412,000 | 655,000 | 68 |
| Eastside Branch | 96,500 | 141,200 | 48 |
| Harbour Branch | 73,800 | 102,900 | 42 |
| Millbrook Branch | 51,200 | 88,400 | 36 |

## Next year

The board plans to open a fifth branch in Northgate in 2027 and to extend Sunday opening to every
branch from April 2026.
"""

# (id, category, question, expectations); a "cell" is (document, table, row, column) for the location check.
CELL, PROSE, NONE = "table-cell", "prose", "unanswerable"
HEAT_DOC, BROADBAND_DOC = "riverton-heat-resilience-plan", "rural-broadband-allocations"
QUESTIONS: list[dict[str, Any]] = [
    {"category": CELL, "question": "How much is budgeted for tree planting in 2026?", "value": "$5.5M",
     "cell": (HEAT_DOC, 1, "Tree planting", "2026")},
    {"category": CELL, "question": "What was the 2027 budget for shade structures?", "value": "$0.6M",
     "cell": (HEAT_DOC, 1, "Shade structures", "2027")},
    {"category": CELL, "question": "How much will the early warning system get in 2028?", "value": "$0.3M",
     "cell": (HEAT_DOC, 1, "Early warning system", "2028")},
    {"category": CELL, "question": "What is the 2027 budget for cooling centres?", "value": "$3.4M",
     "cell": (HEAT_DOC, 1, "Cooling centres", "2027")},
    {"category": CELL, "question": "How many people can the Harbour Sports Centre hold?", "value": "200",
     "cell": (HEAT_DOC, 2, "Harbour Sports Centre", "Capacity (people)")},
    {"category": CELL, "question": "When does the Eastside Community Hall cooling centre open?",
     "value": "June 15, 2026", "cell": (HEAT_DOC, 2, "Eastside Community Hall", "Opens")},
    {"category": CELL, "question": "What is the total heat resilience budget for 2028?", "value": "$11.6M",
     "cell": (HEAT_DOC, 1, "Total", "2028")},
    {"category": CELL, "question": "How much funding does the Northern Highlands region get in 2026?",
     "value": "$205M", "cell": (BROADBAND_DOC, 1, "Northern Highlands", "Allocation (2026)")},
    {"category": CELL, "question": "What is the 2027 allocation for Western Plains?", "value": "$190M",
     "cell": (BROADBAND_DOC, 1, "Western Plains", "Allocation (2027)")},
    {"category": CELL, "question": "How many underserved households are in Western Plains?", "value": "210,000",
     "cell": (BROADBAND_DOC, 1, "Western Plains", "Underserved households")},
    {"category": CELL, "question": "What allocation does the River Delta receive in 2027?", "value": "$150M",
     "cell": (BROADBAND_DOC, 1, "River Delta", "Allocation (2027)")},
    {"category": CELL, "question": "How many underserved households does the Northern Coast have?",
     "value": "41,000", "cell": (BROADBAND_DOC, 1, "Northern Coast", "Underserved households")},
    {"category": CELL, "question": "What is the Southern Uplands allocation for 2026?", "value": "$88M",
     "cell": (BROADBAND_DOC, 1, "Southern Uplands", "Allocation (2026)")},
    {"category": CELL, "question": "How much does Coastal South get in 2026?", "value": "$232M",
     "cell": (BROADBAND_DOC, 1, "Coastal South", "Allocation (2026)")},
    {"category": CELL, "question": "How much federal funding does the Riverton Treatment Plant get?",
     "value": "$42.0M", "cell": ("water-renewal-funding", 1, "Riverton Treatment Plant", "Funding (Federal)")},
    {"category": CELL, "question": "What is the state funding for the Millbrook Reservoir Upgrade?",
     "value": "$12.0M", "cell": ("water-renewal-funding", 1, "Millbrook Reservoir Upgrade", "Funding (State)")},
    {"category": CELL, "question": "In what year will the Eastside Mains Replacement be completed?",
     "value": "2029", "cell": ("water-renewal-funding", 1, "Eastside Mains Replacement", "Completion")},
    {"category": CELL, "question": "What is the 2026 budget for bus fleet electrification?", "value": "$64M",
     "cell": ("metro-transit-capital", 1, "Bus fleet electrification", "Budget (2026)")},
    {"category": CELL, "question": "How much is budgeted for light rail signalling in 2027?", "value": "$22M",
     "cell": ("metro-transit-capital", 1, "Light rail signalling", "Budget (2027)")},
    {"category": CELL, "question": "What is the status of the bike lane network?", "value": "Planned",
     "cell": ("metro-transit-capital", 1, "Bike lane network", "Status")},
    {"category": CELL, "question": "How many visits did the Central Library have in 2025?", "value": "412,000",
     "cell": ("library-annual-report", 1, "Central Library", "Visits (2025)")},
    {"category": CELL, "question": "How many loans did the Eastside Branch record in 2025?", "value": "141,200",
     "cell": ("library-annual-report", 1, "Eastside Branch", "Loans (2025)")},
    {"category": CELL, "question": "How many hours per week is the Harbour Branch open?", "value": "42",
     "cell": ("library-annual-report", 1, "Harbour Branch", "Hours per week")},
    {"category": CELL, "question": "How much funding does the Northern Highlands region get?",
     "expect_all": [r"\$205M", r"\$180M"], "evidence": ["$205M", "$180M"],
     "note": "two allocation columns fit: both are the answer"},
    {"category": PROSE, "question": "When do applications open for the broadband fund?",
     "expect_all": [r"September 1, 2026"], "evidence": ["Applications open on September 1, 2026"]},
    {"category": PROSE, "question": "When was the Rural Broadband Fund announced?",
     "expect_all": [r"March 3, 2026"], "evidence": ["announced on March 3, 2026"]},
    {"category": PROSE, "question": "When do broadband fund applications close?",
     "expect_all": [r"November 30, 2026"], "evidence": ["close on November 30, 2026"]},
    {"category": PROSE, "question": "What download speed must funded broadband networks deliver?",
     "expect_all": [r"100 Mbps"], "evidence": ["at least 100 Mbps"]},
    {"category": PROSE, "question": "Who leads the Riverton heat resilience plan?",
     "expect_all": [r"Dana Okafor"], "evidence": ["Chief Resilience Officer Dana Okafor"]},
    {"category": PROSE, "question": "How many street trees will the heat plan add by 2028?",
     "expect_all": [r"12,000"], "evidence": ["Tree planting adds 12,000 street trees by 2028"]},
    {"category": PROSE, "question": "When will the heat resilience plan be reviewed?",
     "expect_all": [r"March 31, 2027"], "evidence": ["review the plan by March 31, 2027"]},
    {"category": PROSE, "question": "Which organisation manages the water renewal programme?",
     "expect_all": [r"Regional Water Authority"], "evidence": ["Regional Water Authority manages the renewal"]},
    {"category": PROSE, "question": "How many electric buses will be in service by the end of 2027?",
     "expect_all": [r"\b150\b"], "evidence": ["150 electric buses will be in service"]},
    {"category": PROSE, "question": "When was the National Water Security Grant approved?",
     "expect_all": [r"April 22, 2026"], "evidence": ["approved on April 22, 2026"]},
    {"category": PROSE, "question": "Where does the library board plan to open a fifth branch?",
     "expect_all": [r"Northgate"], "evidence": ["open a fifth branch in Northgate in 2027"]},
    {"category": NONE, "question": "How much funding does the Southern Coast region get in 2026?"},
    {"category": NONE, "question": "What is the 2029 budget for tree planting?"},
    {"category": NONE, "question": "How much federal funding does the Northbank Desalination Plant get?"},
    {"category": NONE, "question": "What is the 2028 budget for bus fleet electrification?"},
    {"category": NONE, "question": "How many visits did the Westfield Branch have in 2025?"},
    {"category": NONE, "question": "How many underserved households are in the Central Highlands?"},
    {"category": NONE, "question": "When does the Millbrook cooling centre open?"},
    {"category": NONE, "question": "Who chairs the broadband fund's review panel?"},
    {"category": NONE, "question": "What is the ferry budget in the transit capital programme for 2026?"},
    {"category": NONE, "question": "What interest rate applies to broadband fund loans?"},
]

# fmt: on


# --- PDF --------------------------------------------------------------------------------------


def write_pdf(blocks: list[Any], path: Path, header: str) -> dict[tuple[int, str], int]:
    """Draw headings, paragraphs and tables; return the page of each table row, by (table, row label)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    sheet = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    state = {"page": 1, "y": TOP}
    pages: dict[tuple[int, str], int] = {}

    def start_page() -> None:
        sheet.setFont(FONT, 8)
        sheet.drawString(LEFT, 760, header)
        sheet.setFont(FONT, SIZE)

    def new_page() -> None:
        sheet.setFont(FONT, 8)
        sheet.drawString(LEFT, 40, f"Page {state['page']}")
        sheet.showPage()
        state["page"], state["y"] = state["page"] + 1, TOP
        start_page()

    def line(text: str, font: str = FONT, x: float = LEFT) -> None:
        if state["y"] < BOTTOM:
            new_page()
        sheet.setFont(font, SIZE)
        sheet.drawString(x, state["y"], text)
        state["y"] -= LEADING

    start_page()
    number = 0
    for kind, body in blocks:
        if kind == "h":
            line(body, BOLD)
        elif kind == "p":
            for text in simpleSplit(body, FONT, SIZE, WIDTH):
                line(text)
        else:
            number += 1
            draw_table(sheet, body, state, new_page, pages, number)
        state["y"] -= LEADING  # a blank line between blocks, as a word processor's paragraph spacing
    sheet.setFont(FONT, 8)
    sheet.drawString(LEFT, 40, f"Page {state['page']}")
    sheet.showPage()
    sheet.save()
    return pages


def draw_table(sheet: Any, table: Table, state: dict[str, int], new_page: Any, pages: dict[tuple[int, str], int],
               number: int) -> None:  # fmt: skip
    """The caption, the header row, then the rows; on a new page the header is drawn again."""
    row_height = LEADING + 6

    def row(cells: tuple[str, ...], font: str) -> None:
        y = state["y"]
        sheet.setFont(font, SIZE)
        for x, cell in zip(table.stops, cells, strict=True):
            sheet.drawString(LEFT + x + 4, y, cell)
        if table.ruled:
            top, bottom = y + LEADING - 3, y - 9
            sheet.line(LEFT, top, LEFT + WIDTH, top)
            sheet.line(LEFT, bottom, LEFT + WIDTH, bottom)
            for x in (*table.stops, WIDTH):
                sheet.line(LEFT + x, top, LEFT + x, bottom)
        state["y"] -= row_height

    if state["y"] - 3 * row_height < BOTTOM:  # a caption and header with fewer than two rows under them: next page
        new_page()
    sheet.setFont(BOLD, SIZE)
    sheet.drawString(LEFT, state["y"], table.caption)
    state["y"] -= LEADING + 6
    row(table.header, BOLD)
    for cells in table.rows:
        if state["y"] < BOTTOM:
            new_page()
            row(table.header, BOLD)
        pages[(number, cells[0])] = state["page"]
        row(cells, FONT)


# --- Word -------------------------------------------------------------------------------------


def write_docx(path: Path) -> None:
    """A title, paragraphs, and a table whose header has a merged "Funding" cell over two columns."""
    import docx

    document = docx.Document()
    document.core_properties.title = WATER_TITLE
    document.add_heading(WATER_TITLE, level=0)
    for style, text in WATER_PARAGRAPHS:
        document.add_heading(text, level=1) if style else document.add_paragraph(text)
    table = document.add_table(rows=2 + len(WATER_TABLE), cols=4)
    table.style = "Table Grid"
    top, second = table.rows[0].cells, table.rows[1].cells
    top[0].merge(second[0]).text = "Project"
    top[1].merge(top[2]).text = "Funding"
    top[3].merge(second[3]).text = "Completion"
    second[1].text, second[2].text = "Federal", "State"
    for row, values in zip(table.rows[2:], WATER_TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    for style, text in WATER_AFTER:
        document.add_heading(text, level=1) if style else document.add_paragraph(text)
    document.core_properties.created = document.core_properties.modified = dt.datetime(2026, 4, 22)
    document.save(str(path))
    _fixed_zip_times(path)


def _fixed_zip_times(path: Path) -> None:
    """The same bytes on every run: the zip entries of a Word file get one fixed timestamp."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(zipfile.ZipInfo(name, date_time=(2026, 4, 22, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


# --- questions --------------------------------------------------------------------------------


def location(cell: tuple[str, int, str, str], pages: dict[str, dict[tuple[int, str], int]]) -> str:
    """The regex a cell citation's location must match: table, row, column, and the page for a PDF."""
    doc, table, row, column = cell
    where = f"^Table {table}, row “{re.escape(row)}”, column “{re.escape(column)}”"
    page = pages.get(doc, {}).get((table, row))
    return where + (f", p\\. {page}$" if page else "")


def items(pages: dict[str, dict[tuple[int, str], int]]) -> list[dict[str, Any]]:
    out, counts = [], dict.fromkeys((CELL, PROSE, NONE), 0)
    for spec in QUESTIONS:
        counts[spec["category"]] += 1
        item = {"id": f"{spec['category']}-{counts[spec['category']]:02d}", "category": spec["category"],
                "question": spec["question"]}  # fmt: skip
        if "value" in spec:
            item |= {"expect_all": [re.escape(spec["value"])], "evidence": [spec["value"]]}
        if "cell" in spec:
            item["location"] = location(spec["cell"], pages)
        if spec["category"] == NONE:
            item["unanswerable"] = True
        item |= {k: spec[k] for k in ("expect_all", "evidence", "note") if k in spec}
        out.append(item)
    return out


def meta(title: str, byline: str, date: str) -> str:
    note = "# A written test document for evaluation, not real reporting."
    return f'{note}\ntitle: "{title}"\nbyline: {byline}\nevent_date: {date}\n'


def main() -> None:
    docs = TARGET / "docs"
    shutil.rmtree(TARGET, ignore_errors=True)
    docs.mkdir(parents=True)
    pages = {
        HEAT_DOC: write_pdf(HEAT, docs / f"{HEAT_DOC}.pdf", "City of Riverton | Heat Resilience Plan"),
        BROADBAND_DOC: write_pdf(BROADBAND, docs / f"{BROADBAND_DOC}.pdf", "Department of Digital Infrastructure"),
    }
    (docs / f"{HEAT_DOC}.meta.yaml").write_text(meta(HEAT_TITLE, "Office of Climate Adaptation", "2026-02-10"))
    (docs / f"{BROADBAND_DOC}.meta.yaml").write_text(
        meta(BROADBAND_TITLE, "Department of Digital Infrastructure", "2026-03-03")
    )
    write_docx(docs / "water-renewal-funding.docx")
    (docs / "water-renewal-funding.meta.yaml").write_text(meta(WATER_TITLE, "Regional Water Authority", "2026-04-22"))
    (docs / "metro-transit-capital.html").write_text(TRANSIT_HTML, "utf-8")
    (docs / "library-annual-report.md").write_text(LIBRARY, "utf-8")
    questions = items(pages)
    (TARGET / "questions.jsonl").write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions))
    spans = {doc: sorted(set(p.values())) for doc, p in pages.items()}
    print(f"wrote {TARGET}: {len(questions)} questions; table rows on pages {spans}")


if __name__ == "__main__":
    main()
