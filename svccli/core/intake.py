"""Intake and the one-time notice (一次性告知): what is missing, what is defective, what is a breach."""

from __future__ import annotations

from dataclasses import dataclass

from svccli.core.cases import Case
from svccli.core.catalog import Material, ServiceItem


@dataclass(frozen=True)
class Gap:
    """One missing or defective material, as the notice lists it."""

    code: str
    name: str
    problem: str  # missing | defect
    reason: str

    def as_event(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "problem": self.problem, "reason": self.reason}


def needed(item: ServiceItem, applicable: set[str]) -> list[Material]:
    """Required materials, plus the conditional ones the clerk marked as applying to this applicant."""
    return [m for m in item.materials if m.required or m.code in applicable]


def gaps(item: ServiceItem, received: dict[str, int], defects: dict[str, str], applicable: set[str]) -> list[Gap]:
    """Every gap at once: the notice must list ALL of them (DOMAIN.md one-time notice)."""
    found = []
    for m in needed(item, applicable):
        got = received.get(m.code, 0)
        if m.code in defects:
            found.append(Gap(m.code, m.name, "defect", defects[m.code]))
        elif got == 0:
            found.append(Gap(m.code, m.name, "missing", f"未提交（需{m.form_name} {m.copies} 份）"))
        elif got < m.copies:
            found.append(Gap(m.code, m.name, "missing", f"份数不足（需 {m.copies} 份，收到 {got} 份）"))
    for code, reason in defects.items():  # a defect in a conditional material not marked applicable
        material = item.material(code)
        if material and not any(g.code == code for g in found):
            found.append(Gap(code, material.name, "defect", reason))
    return found


def is_breach(case: Case, code: str) -> bool:
    """A later notice naming a material is a breach unless that material was supplied after the
    first notice (only then could the first notice not have seen its defect)."""
    return bool(case.notices) and code not in case.supplied_after_notice
