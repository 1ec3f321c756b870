"""The agency tree behind coverage roll-up, from plain rows (no database): mergers and moves.

1 P (province)
├── 2 STP
├── 3 TD ─── 4 HS, 5 DT, 9 XB (moved here from LD)
│            6 GI → 5 DT, 7 CU → 6 GI        (CU → GI → DT: two hops)
│            11 OLD (district) → 3 TD, with 12 NT still under OLD
└── 8 LD ─── 10 TT → 9 XB                    (TT merged into XB before XB moved)
"""

import pytest

from lms.coverage.selectors import build_agency_tree, coverage_pct, roll_up


def _row(agency_id, code, parent=None, merged_into=None, kind="commune", target=1):
    return {
        "id": agency_id,
        "code": code,
        "name": code,
        "kind": kind,
        "parent_id": parent,
        "merged_into_id": merged_into,
        "target_headcount": target,
        "is_active": merged_into is None,
    }


ROWS = [
    _row(1, "P", kind="province", target=0),
    _row(2, "STP", 1, kind="department"),
    _row(3, "TD", 1, kind="district"),
    _row(4, "HS", 3),
    _row(5, "DT", 3),
    _row(6, "GI", 3, merged_into=5),
    _row(7, "CU", 3, merged_into=6),
    _row(8, "LD", 1, kind="district"),
    _row(9, "XB", 3),
    _row(10, "TT", 8, merged_into=9),
    _row(11, "OLD", 1, merged_into=3, kind="district"),
    _row(12, "NT", 11),
]


@pytest.fixture
def tree():
    return build_agency_tree(ROWS)


def test_every_agency_reports_to_the_end_of_its_merger_chain(tree):
    assert tree.reporting == {
        1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 5, 7: 5, 8: 8, 9: 9, 10: 9, 11: 3, 12: 12
    }  # fmt: skip


def test_chains_climb_current_parents_through_merged_ones(tree):
    assert tree.chains == {
        1: [1],
        2: [2, 1],
        3: [3, 1],
        4: [4, 3, 1],
        5: [5, 3, 1],
        8: [8, 1],
        9: [9, 3, 1],  # moved: no longer under LD
        12: [12, 3, 1],  # its district merged into TD
    }


def test_roots_are_the_surviving_agencies_without_parent(tree):
    assert tree.roots() == [1]


def test_subtree_includes_merged_agencies_and_follows_moves(tree):
    assert tree.subtree(3) == {3, 4, 5, 6, 7, 9, 10, 11, 12}
    assert tree.subtree(8) == {8}
    assert tree.subtree(7) == {5, 6, 7}  # a merged agency's code opens its successor
    assert tree.subtree(1) == set(range(1, 13))


def test_pairs_count_people_of_merged_agencies_under_every_ancestor(tree):
    assert tree.pairs([7, 10, 12, 99]) == [
        (7, 5), (7, 3), (7, 1), (10, 9), (10, 3), (10, 1), (12, 12), (12, 3), (12, 1)
    ]  # fmt: skip


def test_by_code(tree):
    assert tree.by_code("CU") == 7
    assert tree.by_code("KHONG-CO") is None


def test_merger_and_parent_cycles_end():
    rows = [_row(1, "A", 2, merged_into=2), _row(2, "B", 1, merged_into=1), _row(3, "C", 4)]
    rows.append(_row(4, "D", 3))
    tree = build_agency_tree(rows)
    assert {tree.reporting[1], tree.reporting[2]} <= {1, 2}
    assert tree.chains[3] == [3, 4] and tree.chains[4] == [4, 3]


def test_an_empty_directory_gives_an_empty_tree():
    tree = build_agency_tree([])
    assert tree.agencies == {}
    assert (tree.reporting, tree.chains, tree.roots()) == ({}, {}, [])
    assert tree.subtree(5) == {5}
    assert tree.by_code("P") is None


def test_roll_up_counts_people_of_merged_agencies_under_the_successor_and_its_parents(tree):
    counts = {
        7: {"certified": 1, "enrolled": 2},  # CU → GI → DT
        10: {"certified": 4, "enrolled": 4},  # TT → XB, which moved under TD
        12: {"certified": 0, "enrolled": 1},  # NT, whose district OLD merged into TD
        2: {"certified": 3, "enrolled": 3},
        99: {"certified": 9, "enrolled": 9},  # not in the directory: counted nowhere
    }
    assert roll_up(tree, counts) == {
        5: {"certified": 1, "enrolled": 2},
        9: {"certified": 4, "enrolled": 4},
        12: {"certified": 0, "enrolled": 1},
        3: {"certified": 5, "enrolled": 7},
        2: {"certified": 3, "enrolled": 3},
        1: {"certified": 8, "enrolled": 10},
    }


def test_targets_sum_over_the_subtree(tree):
    targets = {agency_id: {"target": 10 * agency_id} for agency_id in (1, 2, 3, 4, 5, 9, 12)}
    rolled = roll_up(tree, targets)
    assert rolled[3]["target"] == 30 + 40 + 50 + 90 + 120
    assert rolled[1]["target"] == 10 + 20 + rolled[3]["target"]


@pytest.mark.parametrize(
    ("certified", "target", "pct"),
    [(1, 3, 33.3), (2, 3, 66.7), (1993, 2000, 99.6), (1, 8, 12.5), (0, 5, 0.0), (3, 0, None)],
)
def test_coverage_pct_rounds_as_the_figures_always_have(certified, target, pct):
    assert coverage_pct(certified, target) == pct
