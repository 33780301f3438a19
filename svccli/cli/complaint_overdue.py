"""`svc overdue`'s listing of complaints past their answer date (kind `complaint`, exit 3)."""

from __future__ import annotations

from svccli.cli.complaint_cmd import complaints_of, row
from svccli.cli.context import App
from svccli.core.complaints import Complaint, overdue


def overdue_entries(app: App) -> list[tuple]:
    """`svc overdue`: the complaints past their answer date, as (order, department, holder, recorded, row)
    with the columns of the overdue listing (kind `complaint`; `case` holds the complaint number)."""
    from svccli.core.overdue import ORDER

    home = app.home
    listed = []
    for c in overdue(complaints_of(app).values(), app.today):
        days = max(1, home.calendar.workdays_between(c.reply_by, app.today))
        r = row(app, c)
        dept = _department(app, c)
        listed.append(
            (
                (ORDER["complaint"], -days, c.id),
                dept,
                c.against if c.against_kind == "staff" else "",
                True,  # nothing for `overdue --record` to record
                {
                    "kind": "complaint",
                    "kind_name": "投诉逾期未答复",
                    "case": c.id,
                    "complaint": c.id,
                    "service": r["about_name"],
                    "service_name": r["about_name"],
                    "department": home.catalog.department_name(dept) if dept else "",
                    "applicant": r["complainant"],
                    "phone": r["phone"],
                    "holder": c.against,
                    "holder_name": r["against_name"],
                    "first_handler": "",
                    "first_handler_name": "",
                    "accepted": r["filed"],
                    "due": r["reply_by"],
                    "date": r["reply_by"],
                    "provisional": home.calendar.is_provisional(c.reply_by),
                    "days_late": days,
                    "unit": "working_days",
                    "late_text": f"逾期 {days} 天未答复",
                    "detail": "",
                },
            )
        )
    return listed


def _department(app: App, c: Complaint) -> str:
    roster = app.home.roster
    if c.against_kind == "window":
        return roster.windows[c.against].department if c.against in roster.windows else ""
    staff = roster.staff.get(c.against)
    section = roster.sections.get(c.against if c.against_kind == "section" else staff.section if staff else "")
    return section.department if section else ""
