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


OVERSEERS = ("inspector", "deputy_director", "director")


@dataclass(frozen=True)
class Staff:
    id: str
    name: str
    phone: str = ""
    unit: str = ""
    roles: tuple[str, ...] = ("clerk",)
    section: str = ""
    login: str = ""
    attendance_id: str = ""  # the PIN of the clocking machine (考勤机工号), when it is not the staff id
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def oversees(self) -> bool:
        """An inspector or one of the centre's leaders: who patrols, scores, sanctions and approves cover."""
        return any(r in self.roles for r in OVERSEERS)


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

    def window_on_duty(self, window_code: str, away: frozenset[str] = frozenset()) -> str | None:
        """The staff member on duty at a window: the first of its posts (in roster order) with someone on duty."""
        for post in self.posts.values():
            if post.window == window_code:
                found = self.on_duty(post.code, away)
                if found:
                    return found
        return None

    def target(self, code: str, away: frozenset[str] = frozenset()) -> Target | None:
        """Where a handover goes: a section (anyone of it receives), a staff member, or a post or window
        routed to the staff member on duty there (A holder, else the first B holder not away)."""
        if code in self.staff:
            return Target("staff", code, self.name(code), code)
        if code in self.sections:
            return Target("section", code, self.sections[code].name, "")
        if code in self.posts:
            post = self.posts[code]
            who = self.on_duty(code, away) or ""
            return Target("post", code, f"{post.name}（{self.name(who)}）" if who else post.name, who)
        if code in self.windows:
            who = self.window_on_duty(code, away) or ""
            name = self.windows[code].name
            return Target("window", code, f"{name}（{self.name(who)}）" if who else name, who)
        return None

    def may_receive(self, kind: str, code: str, staff_id: str) -> bool:
        """Who may record the receipt: a member (or the chief) of the section; the named staff member;
        any A or B holder of the post, or of a post at the window, or the window head."""
        if kind == "section":
            s = self.staff.get(staff_id)
            return bool(s and s.section == code) or self.sections[code].chief == staff_id
        if kind == "staff":
            return staff_id == code
        if kind == "post":
            return staff_id in self.posts[code].holders
        if kind == "window":
            return self.windows[code].head == staff_id or any(
                staff_id in p.holders for p in self.posts.values() if p.window == code
            )
        return False


@dataclass(frozen=True)
class Target:
    kind: str  # section | staff | post | window
    code: str
    name: str
    receiver: str = ""  # the staff member expected to receive; "" when anyone of the section may
