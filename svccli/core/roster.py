"""Staff, sections, windows and A/B posts (A、B岗)."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = {
    "clerk": "窗口工作人员",
    "section_chief": "科室负责人",
    "deputy_director": "副主任",
    "director": "主任",
    "inspector": "督查人员",
    "chief_representative": "首席代表",
}


@dataclass(frozen=True)
class Staff:
    id: str
    name: str
    phone: str = ""
    unit: str = ""
    roles: tuple[str, ...] = ("clerk",)
    section: str = ""
    login: str = ""
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line

    def has_role(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class Section:
    code: str
    name: str
    department: str
    chief: str = ""
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line


@dataclass(frozen=True)
class Window:
    code: str
    name: str
    department: str
    head: str = ""
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line


@dataclass(frozen=True)
class Post:
    code: str
    name: str
    window: str
    a: str
    b: tuple[str, ...] = ()
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line

    @property
    def holders(self) -> tuple[str, ...]:
        """A first, then the B holders in the order they cover."""
        return (self.a, *self.b)


@dataclass(frozen=True)
class Roster:
    staff: dict[str, Staff]
    sections: dict[str, Section]
    windows: dict[str, Window]
    posts: dict[str, Post]

    def by_login(self, login: str) -> Staff | None:
        return next((s for s in self.staff.values() if s.login and s.login == login), None)

    def name(self, staff_id: str) -> str:
        s = self.staff.get(staff_id)
        return s.name if s else staff_id

    def on_duty(self, post_code: str, away: frozenset[str] = frozenset()) -> str | None:
        """The A holder, or the first B holder in order who is not away (DOMAIN.md A/B post)."""
        post = self.posts[post_code]
        return next((h for h in post.holders if h not in away), None)
