"""Building report files (PDF with fpdf2, XLSX with XlsxWriter) from the summary
tables, with progress the builder page polls; and removing expired ones.

fpdf2 (with fontTools and Pillow) and XlsxWriter are imported inside the functions
that write the files: the web workers import this module through the report views,
and fpdf2 alone would add about 20 MB to every worker (docs/performance.md).
Only the Celery job that builds a report loads them."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dashboards.board import Board, areas_of
from dashboards.board import build as build_board
from dashboards.figures import Scope
from dashboards.models import Report, ReportStatus, Section
from dashboards.pilots import summaries_of
from dashboards.tables import LEGEND, Chart
from municipalities.models import Municipality

log = logging.getLogger(__name__)

SECTION_CHARTS: dict[str, list[str]] = {
    Section.REQUESTS: ["months", "neighbourhoods", "domains", "life_events"],
    Section.SPEED: [],
    Section.CASELOAD: [],
    Section.OUTCOMES: ["outcomes", "formal_care"],
    Section.SATISFACTION: [],
    Section.PROFILES: ["profiles"],
    Section.PILOTS: [],
}
SECTION_HEADLINES: dict[str, list[str]] = {
    Section.REQUESTS: ["requests"],
    Section.SPEED: ["first_contact", "plan", "deadlines"],
    Section.CASELOAD: ["open", "waiting"],
    Section.OUTCOMES: ["close_to_home", "formal_care"],
    Section.SATISFACTION: ["satisfaction"],
    Section.PROFILES: [],
    Section.PILOTS: [],
}


def report_path(name: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "reports" / name


def _progress(report_id: int, value: int) -> None:
    Report.objects.filter(pk=report_id).update(progress=value)


def build(report_id: int) -> None:
    """Claim a queued report (one conditional UPDATE: a duplicate delivery finds
    nothing to claim) and write its files."""
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, progress=1
    )
    if not claimed:
        return
    report = (
        Report.objects.select_related("municipality", "region", "owner")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return
    try:
        with translation.override(report.owner.language):
            _write(report)
    except ScopeGone:
        log.warning("Report %s: its owner may no longer see it", report.public_id)
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, finished_at=timezone.now()
        )
    except Exception:
        log.exception("Report %s failed", report.public_id)
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, finished_at=timezone.now()
        )
        raise


class ScopeGone(Exception):
    """The report's owner may no longer see what it covers (e.g. a municipality
    left the region): the report fails without being built."""


def scope_of(report: Report) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The municipalities the report shows, and those suppressed together (the
    owner's region for a regional manager): what the owner may still see now."""
    visible = Municipality.objects.visible_to(report.owner).order_by("name")
    region = tuple(visible.values_list("pk", flat=True))
    if report.region_id:
        shown = tuple(
            visible.filter(region_id=report.region_id).values_list("pk", flat=True)
        )
    else:
        shown = tuple(m for m in region if m == report.municipality_id)
    if not shown:
        raise ScopeGone
    return shown, region


def _write(report: Report) -> None:
    shown, region = scope_of(report)
    areas = areas_of(region)
    scope = Scope(
        municipality_ids=shown,
        start=report.start,
        end=report.end,
        neighbourhood_ids=tuple(report.neighbourhood_ids) or None,
    )
    pilots = summaries_of(shown) if Section.PILOTS in report.sections else []
    if report.pilot_ids:
        pilots = [p for p in pilots if p.pilot_id in report.pilot_ids]
    board = build_board(scope, areas, pilots, region_ids=region)
    _progress(report.pk, 20)
    folder = report_path("")
    folder.mkdir(parents=True, exist_ok=True)
    stem = secrets.token_hex(16)
    title = _("Buurtkracht report %(municipality)s, %(start)s to %(end)s") % {
        "municipality": report.region.name
        if report.region
        else report.municipality.name,
        "start": f"{report.start:%Y-%m}",
        "end": f"{report.end:%Y-%m}",
    }
    sections = [s for s in Section.values if s in report.sections]
    _xlsx(report_path(f"{stem}.xlsx"), title, board, sections)
    _progress(report.pk, 60)
    _pdf(report_path(f"{stem}.pdf"), title, board, sections)
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.READY,
            progress=100,
            pdf_name=f"{stem}.pdf",
            xlsx_name=f"{stem}.xlsx",
            finished_at=timezone.now(),
        )
        if report.monthly_for:
            from dashboards import tasks

            tasks.email_monthly_report.delay_on_commit(report.pk)


def _section_content(
    board: Board, section: str
) -> tuple[list[tuple[str, str, str]], list[Chart]]:
    wanted = SECTION_HEADLINES[section]
    headlines = [
        (h.label, h.value, h.previous) for h in board.headlines if h.key in wanted
    ]
    charts = [c for key in SECTION_CHARTS[section] if (c := board.chart(key))]
    if section == Section.PILOTS:
        charts.extend(_pilot_charts(board))
    return headlines, charts


def _pilot_charts(board: Board) -> list[Chart]:
    pilots = Chart(
        key="pilots",
        title=_("Pilots"),
        kind="table",
        headers=[
            _("Pilot"),
            _("Phase"),
            _("Participants"),
            _("Budget planned"),
            _("Budget spent"),
        ],
        rows=[
            (p.title, [p.phase, p.participants, p.planned, p.spent])
            for p in board.pilots
        ],
    )
    outcomes = Chart(
        key="pilot_outcomes",
        title=_("Outcome measure"),
        kind="table",
        headers=[
            _("Pilot"),
            _("Outcome measure"),
            _("Baseline"),
            _("Latest measurement"),
            _("Change since baseline"),
            _("Target"),
        ],
        rows=[(p.title, list(goal)) for p in board.pilots for goal in p.goals],
    )
    return [pilots, outcomes]


def _xlsx(path: Path, title: str, board: Board, sections: list[str]) -> None:
    from xlsxwriter import Workbook

    # constant_memory writes each row to disk as it goes: memory stays flat.
    workbook = Workbook(str(path), {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    for section in sections:
        sheet = workbook.add_worksheet(str(Section(section).label)[:31])
        row = 0
        sheet.write(row, 0, title, bold)
        row += 2
        headlines, charts = _section_content(board, section)
        if headlines:
            sheet.write_row(row, 0, ["", _("This period"), _("Previous period")], bold)
            row += 1
            for label, value, previous in headlines:
                sheet.write_row(row, 0, [label, value, previous])
                row += 1
            row += 1
        for chart in charts:
            sheet.write(row, 0, chart.title, bold)
            row += 1
            sheet.write_row(row, 0, chart.headers, bold)
            row += 1
            for label, values in chart.rows:
                sheet.write_row(row, 0, [label, *values])
                row += 1
            row += 1
        sheet.write(row, 0, str(LEGEND))
    workbook.close()


def _latin(text: str) -> str:
    """The PDF core fonts know Latin-1 only."""
    return (
        str(text)
        .replace("–", "-")
        .replace("—", "-")
        .replace("’", "'")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def _pdf(path: Path, title: str, board: Board, sections: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape")
    pdf.set_title(_latin(title))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 10, _latin(title), new_x="LMARGIN", new_y="NEXT")
    for section in sections:
        headlines, charts = _section_content(board, section)
        pdf.set_font("helvetica", "B", 13)
        pdf.ln(3)
        pdf.cell(0, 9, _latin(Section(section).label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=9)
        if headlines:
            with pdf.table(first_row_as_headings=True) as table:
                table.row(["", _latin(_("This period")), _latin(_("Previous period"))])
                for label, value, previous in headlines:
                    table.row([_latin(label), _latin(value), _latin(previous)])
        for chart in charts:
            pdf.set_font("helvetica", "B", 10)
            pdf.ln(2)
            pdf.multi_cell(0, 6, _latin(chart.title), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("helvetica", size=7 if len(chart.headers) > 6 else 9)
            if not chart.rows:
                pdf.cell(0, 6, _latin(_("No data")), new_x="LMARGIN", new_y="NEXT")
                continue
            with pdf.table(first_row_as_headings=True) as table:
                table.row([_latin(h) for h in chart.headers])
                for label, values in chart.rows:
                    table.row([_latin(label), *(_latin(v) for v in values)])
    pdf.ln(3)
    pdf.set_font("helvetica", size=8)
    pdf.multi_cell(0, 5, _latin(str(LEGEND)))
    pdf.output(str(path))


def clear_expired() -> int:
    """Delete reports past `expires_at`, files first; safe to run twice."""
    removed = 0
    for report in Report.objects.expired(timezone.now()):
        for name in (report.pdf_name, report.xlsx_name):
            if name:
                report_path(name).unlink(missing_ok=True)
        report.delete()
        removed += 1
    return removed
