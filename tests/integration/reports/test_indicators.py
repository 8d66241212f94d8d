"""Each indicator provider computes the right figure on the test tree
(province 90 → districts 901 [communes 90101, 90102], 902 [commune 90201])
with known data, and the annual period's cut-off (15/12 → 14/12)."""

import datetime

import pytest

from reports import services
from reports.models import (
    CommunicationCentre,
    LegacyStation,
    Plan,
    Propagandist,
    Target,
    TrainingRecord,
)
from reports.registry import Period, Subtree
from tests.factories import reports as f

pytestmark = pytest.mark.django_db

YEAR = 2025
PERIOD = Period.report_year(YEAR)  # 15/12/2024 – 14/12/2025
INSIDE = f.at("2025-06-01")


def figures(root, keys=None):
    return {r.indicator.key: r for r in services.evaluate(root, PERIOD, keys=keys)}


def fraction(row):
    return (row.numerator, row.denominator)


def test_annual_period_runs_from_15_12_of_the_previous_year_to_14_12(tree):
    assert PERIOD.start == datetime.date(2024, 12, 15)
    assert PERIOD.end == datetime.date(2025, 12, 14)
    assert PERIOD.contains(f.at("2025-12-14", 23))
    assert not PERIOD.contains(f.at("2025-12-15", 0))
    assert Period.report_year(2026).contains(f.at("2025-12-15", 0))
    assert not PERIOD.contains(f.at("2024-12-14", 23))


def test_an_item_on_14_12_counts_and_one_on_15_12_goes_to_next_year(tree):
    a1 = tree.commune_a1
    f.make_feedback(
        a1, f.at("2025-12-14", 22), status="closed", answered=f.at("2025-12-14", 23)
    )
    f.make_feedback(a1, f.at("2025-12-15", 8))
    this_year = figures(tree.province, ["feedback_handled"])["feedback_handled"]
    assert fraction(this_year) == (1, 1)
    next_year = services.evaluate(
        tree.province, Period.report_year(2026), keys=["feedback_handled"]
    )[0]
    assert fraction(next_year) == (0, 1)


def test_speaker_coverage_counts_hamlets_with_an_active_cluster(tree):
    a1, a2 = tree.commune_a1, tree.commune_a2
    h1, h2 = f.make_hamlet(a1, "Ấp 1"), f.make_hamlet(a1, "Ấp 2")
    h3 = f.make_hamlet(a2, "Ấp 3")
    f.make_hamlet(a2, "Ấp cũ", is_active=False)
    f.make_cluster(a1, h1, created=INSIDE)
    f.make_cluster(a1, h2, created=INSIDE)
    f.make_cluster(a2, h3, created=INSIDE, is_active=False)
    f.make_cluster(a2, None, created=INSIDE)  # outside the registry: covers nothing
    f.make_cluster(a2, h3, created=f.at("2025-12-15"))  # installed after the cut-off
    rows = figures(tree.province, ["speakers_communes", "speakers_hamlets"])
    # 90101 covers both hamlets; 90102 has none covered; 90201 has no registry.
    assert fraction(rows["speakers_communes"]) == (1, 3)
    assert fraction(rows["speakers_hamlets"]) == (2, 3)
    lag = [p.unit.code for p in rows["speakers_communes"].laggards]
    assert lag == ["90102", "90201"]


def test_websites_count_communes_that_published_in_the_last_30_days(tree):
    end = PERIOD.end_dt
    f.make_article(tree.commune_a1, end - datetime.timedelta(days=10))
    f.make_article(tree.commune_a2, end - datetime.timedelta(days=40))
    f.make_article(tree.commune_b1, end + datetime.timedelta(hours=1))  # next period
    row = figures(tree.province, ["websites_active"])["websites_active"]
    assert fraction(row) == (1, 3)
    assert row.value == pytest.approx(33.3)


def test_boards_count_communes_and_districts_with_a_paired_board(tree):
    f.make_board(tree.commune_a1, paired=INSIDE)
    f.make_board(tree.commune_a1, paired=INSIDE)
    f.make_board(tree.commune_a2)  # never paired: not connected
    f.make_board(tree.commune_b1, paired=f.at("2025-12-20"))  # after the cut-off
    f.make_board(tree.district_a, paired=INSIDE, kind="led")
    rows = figures(tree.province, ["boards_communes", "boards_districts"])
    assert fraction(rows["boards_communes"]) == (1, 3)
    assert fraction(rows["boards_districts"]) == (1, 2)
    by_child = {
        p.unit.code: (p.numerator, p.denominator)
        for p in rows["boards_communes"].by_child
    }
    assert by_child == {"901": (1, 2), "902": (0, 1)}


def test_station_conversion_is_cumulative_and_per_year(tree):
    a1, b1 = tree.commune_a1, tree.commune_b1
    LegacyStation.objects.create(
        unit=a1,
        name="Đài có dây",
        kind="wired",
        year_installed=2010,
        converted_year=2024,
    )
    LegacyStation.objects.create(
        unit=a1, name="Đài FM", kind="fm", year_installed=2015, converted_year=2025
    )
    LegacyStation.objects.create(
        unit=b1, name="Đài FM", kind="fm", year_installed=2012, condition="broken"
    )
    LegacyStation.objects.create(
        unit=b1, name="Đài mới", kind="fm", year_installed=2026
    )  # not yet there in 2025
    rows = figures(tree.province, ["stations_converted", "stations_converted_year"])
    assert fraction(rows["stations_converted"]) == (2, 3)
    assert fraction(rows["stations_converted_year"]) == (1, 3)


def test_centres_propagandists_and_training_from_the_registries(tree):
    CommunicationCentre.objects.create(unit=tree.district_a, name="Trung tâm VH-TT")
    CommunicationCentre.objects.create(
        unit=tree.district_b, name="Trung tâm cũ", is_operating=False
    )
    h1, h2 = (
        f.make_hamlet(tree.commune_a1, "Ấp 1"),
        f.make_hamlet(tree.commune_a1, "Ấp 2"),
    )
    f.make_hamlet(tree.commune_b1, "Khóm 1", kind="khom")
    Propagandist.objects.create(hamlet=h1, name="Nguyễn Văn A")
    Propagandist.objects.create(hamlet=h1, name="Trần Thị B")
    Propagandist.objects.create(hamlet=h2, name="Lê Văn C", is_active=False)
    TrainingRecord.objects.create(
        unit=tree.commune_a1, year=2025, officials=4, trained=3
    )
    TrainingRecord.objects.create(
        unit=tree.commune_a2, year=2025, officials=2, trained=1
    )
    TrainingRecord.objects.create(
        unit=tree.commune_b1, year=2024, officials=9, trained=9
    )
    rows = figures(
        tree.province,
        ["communication_centres", "propagandists_hamlets", "officials_trained"],
    )
    assert fraction(rows["communication_centres"]) == (1, 2)
    assert fraction(rows["propagandists_hamlets"]) == (1, 3)
    assert fraction(rows["officials_trained"]) == (4, 6)


def test_departments_connected_and_supplying(tree):
    health = f.make_department(tree.province, "90S01", "Sở Y tế")
    f.make_department(tree.province, "90S02", "Sở Nông nghiệp")
    f.make_officer(health)
    f.make_bulletin(health, INSIDE)
    rows = figures(tree.province, ["departments_connected", "departments_supplying"])
    assert fraction(rows["departments_connected"]) == (1, 2)
    assert fraction(rows["departments_supplying"]) == (1, 2)


def test_bulletins_sent_received_used_and_on_time(tree):
    a1, a2, b1 = tree.commune_a1, tree.commune_a2, tree.commune_b1
    sent = f.at("2025-03-01", 8)
    first = f.make_bulletin(tree.province, sent)
    f.make_delivery(first, a1, "used", answered=sent + datetime.timedelta(hours=2))
    f.make_delivery(first, a2, "received", answered=sent + datetime.timedelta(hours=30))
    f.make_delivery(first, b1, "sent")
    f.make_bulletin(tree.district_a, sent)
    f.make_bulletin(tree.district_a, f.at("2025-12-15"))  # next period
    rows = figures(
        tree.province,
        ["bulletins_sent", "bulletins_received", "bulletins_used", "bulletins_on_time"],
    )
    assert rows["bulletins_sent"].numerator == 2
    by_child = {p.unit.code: p.numerator for p in rows["bulletins_sent"].by_child}
    assert by_child == {"90": 1, "901": 1}
    assert fraction(rows["bulletins_received"]) == (2, 3)
    assert fraction(rows["bulletins_used"]) == (1, 3)
    assert fraction(rows["bulletins_on_time"]) == (1, 3)


def test_feedback_handled_on_time_and_questions_answered(tree):
    a1 = tree.commune_a1
    f.make_feedback(a1, INSIDE, "closed", answered=INSIDE + datetime.timedelta(days=3))
    f.make_feedback(
        a1, INSIDE, "answered", answered=INSIDE + datetime.timedelta(days=20)
    )
    f.make_feedback(a1, INSIDE, "rejected")
    f.make_feedback(a1, INSIDE, "in_progress")
    f.make_question(a1, INSIDE, "answered")
    f.make_question(a1, INSIDE, "pending")
    f.make_question(a1, INSIDE, "hidden")
    rows = figures(
        tree.district_a,
        ["feedback_handled", "feedback_on_time", "questions_answered"],
    )
    assert fraction(rows["feedback_handled"]) == (3, 4)
    assert fraction(rows["feedback_on_time"]) == (1, 2)
    assert fraction(rows["questions_answered"]) == (1, 2)


def test_broadcast_hours_and_shares_by_tts_and_minority_language(tree):
    a1 = tree.commune_a1
    c = f.make_cluster(a1)
    f.make_played(c, f.make_program(a1, "tts"), INSIDE, 3600)
    f.make_played(c, f.make_program(a1, "audio", "km"), INSIDE, 3600)
    f.make_played(c, f.make_program(a1), INSIDE, 7200)
    f.make_played(c, f.make_program(a1), f.at("2025-12-15", 6), 7200)  # next period
    rows = figures(
        tree.province, ["broadcast_hours", "broadcast_tts", "broadcast_minority"]
    )
    assert rows["broadcast_hours"].numerator == pytest.approx(4.0)
    assert rows["broadcast_tts"].value == pytest.approx(25.0)
    assert rows["broadcast_minority"].value == pytest.approx(25.0)


def test_targets_come_from_the_plan_in_force_with_status(tree):
    plan = Plan.objects.create(
        unit=tree.province, title="Kế hoạch thử", year_from=2021, year_to=2030
    )
    Target.objects.create(
        plan=plan,
        indicator="boards_communes",
        value=70,
        deadline=datetime.date(2025, 12, 31),
    )
    Target.objects.create(
        plan=plan,
        indicator="boards_communes",
        value=100,
        deadline=datetime.date(2030, 12, 31),
    )
    Target.objects.create(
        plan=plan,
        indicator="communication_centres",
        value=100,
        deadline=datetime.date(2023, 12, 31),
    )
    f.make_board(tree.commune_a1, paired=INSIDE)
    f.make_board(tree.commune_a2, paired=INSIDE)
    f.make_board(tree.commune_b1, paired=INSIDE)
    CommunicationCentre.objects.create(unit=tree.district_a, name="Trung tâm")
    rows = figures(tree.district_a, ["boards_communes", "communication_centres"])
    # A district officer sees the province's plan; 2025 target applies.
    assert rows["boards_communes"].target_value == 70
    assert rows["boards_communes"].status == services.MET
    later = services.evaluate(
        tree.province, Period.report_year(2027), keys=["boards_communes"]
    )[0]
    assert later.target_value == 100
    province = figures(tree.province, ["communication_centres"])
    assert province["communication_centres"].status == services.MISSED
    assert [p.unit.code for p in province["communication_centres"].laggards] == ["902"]


def test_a_district_sees_only_its_own_subtree(tree):
    f.make_board(tree.commune_a1, paired=INSIDE)
    f.make_board(tree.commune_b1, paired=INSIDE)
    row = figures(tree.district_b, ["boards_communes"])["boards_communes"]
    assert fraction(row) == (1, 1)
    assert [u.code for u in Subtree(tree.district_b).units] == ["902", "90201"]
