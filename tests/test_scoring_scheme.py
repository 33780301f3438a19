"""The sample office's scoring.yaml holds DOMAIN.md "Assessment" item by item: every category's
points, every deduction's value and unit (p per person, c per case, x per occurrence) and every bonus.
A value changed in the YAML without the regulation changing fails here."""

from __future__ import annotations

from pathlib import Path

from svccli.store.home import load_home

REPO = Path(__file__).resolve().parent.parent

# category -> (points, {item: (value, unit)}), as DOMAIN.md "Assessment" lists them
DOMAIN = {
    "service_attitude": (15, {"dress_badge": (-1, "p"), "posture_impolite": (-1, "p"), "no_greeting": (-1, "p"),
                              "coarse_language": (-1, "p"), "cold_obstructive": (-3, "p"), "quarrel": (-3, "p"),
                              "attitude_complaint": (-5, "p")}),
    "work_discipline": (20, {"late_or_early": (-1, "p"), "post_empty": (-2, "p"), "absence": (-3, "p"),
                             "missed_meeting": (-2, "p"), "games_private_work": (-3, "p"), "drinking": (-3, "p"),
                             "heater_fan_with_ac": (-2, "p"), "equipment_left_on": (-1, "p"),
                             "taking_advantage": (-5, "p")}),
    "case_handling": (30, {"refused_acceptable": (-6, "c"), "no_registration_or_notice": (-5, "c"),
                           "no_one_time_notice": (-3, "c"), "supplement_not_explained": (-1, "c"),
                           "joint_rule_breach": (-2, "c"), "wrong_return": (-2, "c"), "overdue": (-4, "c"),
                           "handling_error": (-4, "c"), "late_report": (-2, "c")}),
    "skills": (10, {"failed_exam_training": (-3, "p"), "poor_computer_skills": (-1, "p"), "wrong_answer": (-2, "p")}),
    "computer_management": (15, {"password_leaked": (-5, "p"), "software_installed": (-3, "p"),
                                 "outsider_at_terminal": (-3, "p"), "power_left_on_incident": (-4, "p"),
                                 "wiring_changed": (-2, "p"), "ip_changed": (-2, "p"), "no_antivirus": (-2, "x")}),
    "environment": (10, {"litter_dust": (-1, "x"), "clutter": (-1, "p"), "items_left_after_work": (-1, "p"),
                         "eating": (-2, "p"), "posters": (-2, "x"), "spitting_littering": (-1, "x")}),
}  # fmt: skip
# bonus -> (value, its most: a range's top, or None for a fixed value)
BONUSES = {
    "red_flag_window_award": (3, None),
    "service_model_award": (3, None),
    "public_praise": (1, 5),
    "info_report_sent": (1, None),
    "info_report_used_centre": (2, None),
    "info_report_used_county": (3, None),
    "contribution": (2, 10),
    "activities": (1, None),
}


def test_every_category_and_deduction_is_the_regulations():
    scheme = load_home(REPO).scoring
    assert scheme is not None
    got = {c.code: (c.max, {i.code: (i.points, i.unit) for i in c.items}) for c in scheme.categories}
    assert got == DOMAIN
    absence = next(i for c in scheme.categories for i in c.items if i.code == "absence")
    assert absence.per_day == -4  # −3 up to half a day, −4 per day beyond


def test_every_bonus_is_the_regulations():
    scheme = load_home(REPO).scoring
    assert scheme is not None
    assert {b.code: (b.points, b.max_points) for b in scheme.bonuses} == BONUSES
    assert {b.code for b in scheme.bonuses if b.year_end} == {"red_flag_window_award", "service_model_award"}
