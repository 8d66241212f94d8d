from base.choices import Priority


def test_priority_ranks_emergency_above_priority_above_normal():
    assert Priority.NORMAL.rank < Priority.PRIORITY.rank < Priority.EMERGENCY.rank
    ordered = sorted(["normal", "emergency", "priority"], key=Priority.rank_of)
    assert ordered == ["normal", "priority", "emergency"]


def test_blank_or_unknown_stored_priority_ranks_as_normal():
    assert Priority.rank_of("") == Priority.rank_of(None) == Priority.NORMAL.rank
    assert Priority.rank_of("khac") == Priority.NORMAL.rank
