"""The service catalogue (服务事项 / 办事指南) and the office's settings, as immutable values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

KINDS = {
    "immediate": "即办件",
    "committed": "承诺件",
    "joint": "联办件",
    "forwarded": "报批件",
    "reply": "答复件",
    "special": "特办件",
    "filing": "备案",
}
FORMS = {"original": "原件", "copy": "复印件"}

# Office choices where the seeds disagree (DOMAIN.md "Office choices"); defaults first.
RULE_CHOICES = {
    "clock_start_after_supplement": ("next_day", "same_day"),
    "limit_unit": ("working_days", "calendar_days"),
    "written_notice": ("licensing", "always", "on_request"),
    "extension_notice": ("before_due", "within_limit"),
    "deemed_approval": ("committed", "all", "off"),
    # Complaints (DOMAIN.md "Office choices"): the ladder an upheld notice complaint climbs (002 三.6 |
    # 001 三, the codes of scoring.yaml sanction_ladders), and how long circulated criticism bars awards.
    "notice_ladder": ("notice_breach", "first_contact"),
    "award_bar": ("year", "quarter"),
    "substitute_from": ("half_day", "over_one_day"),
    "handover_before": ("any_absence", "one_day_or_more"),
    "five_lates": ("absence_only", "also_deduct"),  # 5 lates or earlies = 1 day of absence (002 五.6)
}
# The Chinese names of those choices (as office.yaml's comments give them); `svc check` reads either.
RULE_CHOICE_NAMES = {
    "clock_start_after_supplement": {"next_day": "次日", "same_day": "当日"},
    "limit_unit": {"working_days": "工作日", "calendar_days": "自然日"},
    "written_notice": {"licensing": "许可事项", "always": "一律", "on_request": "申请人要求时"},
    "extension_notice": {"before_due": "到期前", "within_limit": "时限内"},
    "deemed_approval": {"committed": "承诺件", "all": "各类办件", "off": "不适用"},
    "notice_ladder": {"notice_breach": "口头警告-诫勉谈话-效能告诫并通报批评", "first_contact": "批评-通报批评-待岗"},
    "award_bar": {"year": "当年", "quarter": "当季"},
    "substitute_from": {"half_day": "半天以上", "over_one_day": "一天以上"},
    "handover_before": {"any_absence": "任何离岗", "one_day_or_more": "离岗一天以上"},
    "five_lates": {"absence_only": "只记旷工", "also_deduct": "另扣迟到分"},
}
# On/off office rules (true | false), defaults as given.
RULE_FLAGS = {
    # 一审一核: a committed or joint item is concluded only after a review and a check (approval) by
    # two different staff members (DOMAIN.md glossary; no seed defines it, our reading: two people).
    "review_and_check": True,
}
RULE_NUMBERS = {
    "extension_notice_days": 3,
    "max_extension_days": 10,
    "warning_days": 2,
    "supplement_days": 10,
    # 补录: how many working days back a record's business date may go with a reason alone; earlier
    # needs a section chief's or an inspector's approval (issue 16; the seeds set no number).
    "backdate_limit": 2,
    # 投诉答复: working days after filing by which the complainant gets an answer (the seeds set none).
    "complaint_reply_days": 5,
}
QUICK_LIMITS = {"ordinary": 3, "complex": 7, "major": 22}  # seed 000 第二篇: 3, 7 days, one month


@dataclass(frozen=True)
class Rules:
    clock_start_after_supplement: str = "next_day"
    limit_unit: str = "working_days"
    written_notice: str = "licensing"
    extension_notice: str = "before_due"
    deemed_approval: str = "committed"
    substitute_from: str = "half_day"  # leave from which a substitute must be in place (002 五.5 / 第二篇)
    handover_before: str = "any_absence"  # absence for which A hands over to B in advance (000 AB / 001)
    five_lates: str = "absence_only"  # 5 lates/earlies: one day of absence only, or also −1 each (002 五.6)
    review_and_check: bool = True
    extension_notice_days: int = 3
    max_extension_days: int = 10
    warning_days: int = 2
    supplement_days: int = 10
    backdate_limit: int = 2
    notice_ladder: str = "notice_breach"
    award_bar: str = "year"
    complaint_reply_days: int = 5
    quick_limits: tuple[tuple[str, int], ...] = tuple(QUICK_LIMITS.items())


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    timezone: str = "Asia/Shanghai"
    address: str = ""
    region: str = ""  # the city or county it reports to: `svc rollup` totals by it
    phones: tuple[tuple[str, str], ...] = ()
    hours: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rules: Rules = field(default_factory=Rules)
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line
    # field name ("name", "phones.consultation") -> its line, so a check can point at the value
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def phone(self, kind: str) -> str:
        return dict(self.phones).get(kind, "")

    def at(self, key: str) -> tuple[str, int]:
        """Where a field's value is written (file, line); the file's own line when it is not known."""
        return (self.src[0], dict(self.lines).get(key, self.src[1]))


@dataclass(frozen=True)
class Material:
    code: str
    name: str
    copies: int = 1
    form: str = "original"
    required: bool = True
    condition: str = ""
    sample: str = ""
    may_owe: bool = False
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line

    @property
    def form_name(self) -> str:
        return FORMS.get(self.form, self.form)


@dataclass(frozen=True)
class JointPart:
    department: str
    limit: int
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    phone: str = ""
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line


@dataclass(frozen=True)
class ServiceItem:
    code: str
    name: str
    department: str
    kind: str
    licensing: bool
    legal_basis: str
    body: str
    materials: tuple[Material, ...]
    statutory_limit: int
    committed_limit: int
    conditions: tuple[str, ...] = ()
    procedure: tuple[str, ...] = ()
    limit_unit: str = ""  # empty: the office rule applies
    fee: str = ""
    fee_basis: str = ""
    post: str = ""
    location: str = ""
    phones: tuple[tuple[str, str], ...] = ()
    supplement_days: int | None = None
    deemed_approval: bool | None = None
    joint_lead: str = ""
    joint_parts: tuple[JointPart, ...] = ()
    forward_to: str = ""
    src: tuple[str, int] = field(default=("", 0), compare=False)  # file, line
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)  # field name -> its line in the file

    def at(self, key: str) -> tuple[str, int]:
        """Where a field's value is written (file, line); the item's own line when it is not written."""
        return (self.src[0], dict(self.lines).get(key, self.src[1]))

    @property
    def kind_name(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def material(self, code: str) -> Material | None:
        return next((m for m in self.materials if m.code == code), None)

    def phone(self, kind: str) -> str:
        return dict(self.phones).get(kind, "")


@dataclass(frozen=True)
class Catalog:
    office: Office
    departments: dict[str, Department]
    items: Mapping[str, ServiceItem]  # a dict, or a read-only mapping that makes each item when asked
    # departments whose services file could not be read (named by file, services/<code>.yaml): the
    # roster's references to them are not checked, the file's own problem is named instead
    unread: frozenset[str] = field(default=frozenset(), compare=False)

    def item(self, code: str) -> ServiceItem | None:
        return self.items.get(code)

    def department_name(self, code: str) -> str:
        dept = self.departments.get(code)
        return dept.name if dept else code
