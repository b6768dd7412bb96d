"""Staff chats get their own command menu; managers and admins also see the report commands."""

from __future__ import annotations

import pytest

from bot.staff.menus import staff_commands


@pytest.mark.parametrize(("role", "sees_reports"), [("staff", False), ("manager", True), ("admin", True)])
def test_report_commands_only_for_managers(role: str, sees_reports: bool) -> None:
    names = [command.command for command in staff_commands("tr", role)]
    assert ("report" in names) is sees_reports and ("subscribe" in names) is sees_reports
    assert names[0] == "etkinlik_yeni" and "start" in names
    assert len(names) == len(set(names))


def test_menus_are_translated() -> None:
    english = {c.command: c.description for c in staff_commands("en", "manager")}
    arabic = {c.command: c.description for c in staff_commands("ar", "manager")}
    assert english["subscribe"] == "Subscribe to the weekly report"
    assert arabic["subscribe"] == "الاشتراك في التقرير الأسبوعي"
