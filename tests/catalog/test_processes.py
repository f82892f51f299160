"""OS-CAT-03: an internal process is an electronic workflow (steps, role/unit, allotted time) and
the sum of allotments on its longest path fits the procedure's statutory time limit."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalog.process_models import ProcessSubstate
from motcua.catalog.process_rules import forward_edges, longest_path, statutory_limit_days, validate_process
from motcua.dossiers.vocabulary import ProcessingSubstate
from motcua.organizations.models import Department, Role
from tests.catalog.factories import AgencyFactory, VersionFactory, published
from tests.catalog.process_docs import move, province_doc, step, ten_day_version

pytestmark = pytest.mark.django_db


def codes(errors):
    return [e.code for e in errors]


@pytest.fixture
def code():
    return ten_day_version().procedure.procedure_code


def test_os_cat_03_realistic_process_is_valid(code):
    assert validate_process(province_doc(code)) == []


def test_os_cat_03_over_allotment_on_the_longest_path_names_the_steps(code):
    doc = province_doc(code)
    doc["steps"][1]["allotment"] = 6.5
    [error] = validate_process(doc)
    assert error.code == "over_time_limit"
    message = str(error.message)
    assert "10,5 ngày làm việc" in message and "“Thẩm định hồ sơ” (tham_dinh)" in message
    assert "10 ngày làm việc" in message and code in message


def test_os_cat_03_the_longest_branch_counts_not_the_main_chain(code):
    doc = province_doc(code)
    doc["steps"].append(step("xac_minh", "Kiểm tra thực tế", "handler", 1, substate="verifying"))
    doc["transitions"] += [
        move("verify", "tham_dinh", "xac_minh", ["handler"]),
        move("report", "xac_minh", "ldp_duyet", ["handler"]),
    ]
    [error] = validate_process(doc)
    assert error.code == "over_time_limit" and "Kiểm tra thực tế" in str(error.message)
    doc["steps"][1]["allotment"] = 5  # shorten appraisal: 11 - 1 = 10 days on the longest branch
    assert validate_process(doc) == []


def test_os_cat_03_send_back_loops_do_not_count_and_hours_are_eighths_of_a_day(code):
    doc = province_doc(code)
    doc["transitions"].append(move("send_back", "van_thu", "tiep_nhan", ["clerk"]))
    assert validate_process(doc) == []  # a loop back to the start adds nothing
    doc["steps"][4]["unit"] = "working_days"  # 4 days instead of 4 hours
    assert codes(validate_process(doc)) == ["over_time_limit"]


def test_os_cat_03_calendar_day_limit_counts_five_sevenths():
    version = published(time_limit_days=Decimal("15"), time_limit_unit="days")
    assert statutory_limit_days(version) == Decimal("10.5")
    doc = province_doc(version.procedure.procedure_code)
    doc["steps"][1]["allotment"] = 6.5
    assert validate_process(doc) == []
    doc["steps"][1]["allotment"] = 7
    assert codes(validate_process(doc)) == ["over_time_limit"]


def test_os_cat_03_unreachable_step_is_rejected(code):
    doc = province_doc(code)
    doc["steps"].append(step("luu_tru", "Lưu trữ hồ sơ", "clerk", 0, final=True))
    [error] = validate_process(doc)
    assert error.code == "unreachable_step" and error.field == "steps[6]"
    assert str(error.message) == "Bước “Lưu trữ hồ sơ” (luu_tru) không thể đến được từ bước bắt đầu."


def test_os_cat_03_dead_ends_are_rejected(code):
    doc = province_doc(code)
    doc["steps"].append(step("xac_minh", "Xác minh", "handler", 0, substate="verifying"))
    doc["transitions"].append(move("verify", "tham_dinh", "xac_minh", ["handler"]))
    [error] = validate_process(doc)
    assert error.code == "dead_end" and "“Xác minh” (xac_minh)" in str(error.message)

    looping = province_doc(code)  # two steps that only send each other back and forth
    looping["steps"] += [step("a", "Bước A", "handler", 0), step("b", "Bước B", "handler", 0)]
    looping["transitions"] += [move("x", "tham_dinh", "a", []), move("y", "a", "b", []), move("z", "b", "a", [])]
    errors = validate_process(looping)
    assert codes(errors) == ["dead_end", "dead_end"]
    assert "không thể đi tới bước kết thúc" in str(errors[0].message)


def test_os_cat_03_unknown_roles_requirements_and_step_keys_are_rejected(code):
    doc = province_doc(code)
    doc["steps"][1]["role"] = "chief"
    doc["transitions"][0]["roles"] = ["intake_officer", "boss"]
    doc["transitions"][1]["requires"] = ["signature"]
    doc["transitions"][2]["to"] = "ky_so"
    doc["steps"][2]["substate"] = "thinking"
    errors = {(e.field, e.code): str(e.message) for e in validate_process(doc)}
    assert (
        errors[("steps[1].role", "unknown_role")]
        == "Bước “Thẩm định hồ sơ” (tham_dinh): vai trò “chief” không tồn tại."
    )
    assert "“boss”" in errors[("transitions[0].roles", "unknown_role")]
    assert "“signature”" in errors[("transitions[1].requires", "unknown_requirement")]
    assert "“ky_so”" in errors[("transitions[2].to", "unknown_step")]
    assert ("steps[2].substate", "unknown_substate") in errors


def test_os_cat_03_start_final_and_duplicate_keys(code):
    doc = province_doc(code)
    doc["steps"][0]["start"] = False
    assert "start_step" in codes(validate_process(doc))
    doc["steps"][0]["start"] = doc["steps"][1]["start"] = True
    assert "nhiều bước bắt đầu" in str(next(e.message for e in validate_process(doc) if e.code == "start_step"))
    doc = province_doc(code)
    doc["steps"][5]["final"] = False
    assert "no_final_step" in codes(validate_process(doc))
    doc = province_doc(code)
    doc["steps"].append(step("tham_dinh", "Trùng", "handler", 1))
    doc["transitions"].append(dict(doc["transitions"][0]))
    assert {"duplicate_step", "duplicate_transition"} <= set(codes(validate_process(doc)))
    doc = province_doc(code)
    doc["steps"][0]["key"] = "Tiếp nhận"
    assert "invalid_key" in codes(validate_process(doc))


def test_os_cat_03_procedure_agency_and_department_must_exist(code):
    assert codes(validate_process(province_doc("9.999999"))) == ["unknown_procedure"]
    assert codes(validate_process(province_doc(code, agency="000.00.99.H99"))) == ["unknown_agency"]
    agency = AgencyFactory(level="province")
    draft = VersionFactory(time_limit_days=Decimal("10"))
    draft.agencies.add(agency)
    Department.objects.create(agency=agency, code="MC", name="Bộ phận một cửa")
    doc = province_doc(draft.procedure.procedure_code, agency=agency.code)
    doc["steps"][0]["department"] = "MC"
    assert validate_process(doc) == []
    doc["steps"][1]["department"] = "QLTM"
    [error] = validate_process(doc)
    assert error.code == "unknown_department" and "“QLTM”" in str(error.message)


def test_os_cat_03_vocabularies_match_the_dossier_state_machine():
    assert set(ProcessSubstate.values) == {s.value for s in ProcessingSubstate}
    assert {"intake_officer", "handler", "department_leader", "agency_leader", "clerk"} <= set(Role.values)


# --- the longest-path computation (pure; no database) ----------------------------------------


@st.composite
def dags(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    edges = [(str(a), str(b)) for a, b in pairs if draw(st.booleans())]
    weights = {str(i): Decimal(draw(st.integers(min_value=0, max_value=20))) / 2 for i in range(n)}
    finals = draw(st.sets(st.sampled_from([str(i) for i in range(n)]), min_size=1))
    return weights, edges, finals


def brute_force(weights, edges, start, finals):
    succ = {k: [b for a, b in edges if a == k] for k in weights}
    best = Decimal(0)
    paths = [[start]]
    while paths:
        path = paths.pop()
        if path[-1] in finals:
            best = max(best, sum((weights[k] for k in path), Decimal(0)))
        paths += [[*path, nxt] for nxt in succ[path[-1]]]
    return best


@settings(max_examples=300, deadline=None, database=None)
@given(dags())
def test_os_cat_03_longest_path_equals_brute_force_on_random_dags(dag):
    weights, edges, finals = dag
    total, path = longest_path(weights, edges, "0", finals)
    assert total == brute_force(weights, edges, "0", finals)
    if path:
        assert path[0] == "0" and path[-1] in finals
        assert all(pair in edges for pair in itertools.pairwise(path))
        assert sum(weights[k] for k in path) == total


@settings(max_examples=200, deadline=None, database=None)
@given(dags(), st.data())
def test_os_cat_03_back_edges_are_dropped_and_the_result_is_a_real_path(dag, data):
    weights, edges, finals = dag
    n = len(weights)
    back = [(str(b), str(a)) for a in range(n) for b in range(a, n) if data.draw(st.booleans())]
    total, path = longest_path(weights, edges + back, "0", finals)
    kept, order = forward_edges(edges + back, "0")
    position = {k: i for i, k in enumerate(order)}
    assert all(position[a] < position[b] for a, b in kept if a in position and b in position)  # acyclic
    assert total == sum((weights[k] for k in path), Decimal(0))
    assert all(pair in edges + back for pair in itertools.pairwise(path))
    assert len(set(path)) == len(path)  # a simple path: loops are never walked


def test_os_cat_03_send_back_to_an_earlier_step_changes_nothing():
    weights = {k: Decimal(v) for k, v in {"a": 1, "b": 2, "c": 3, "d": 1}.items()}
    chain = [("a", "b"), ("b", "c"), ("c", "d")]
    assert longest_path(weights, chain, "a", ["d"]) == (Decimal(7), ["a", "b", "c", "d"])
    assert longest_path(weights, [*chain, ("c", "b"), ("d", "a")], "a", ["d"]) == (Decimal(7), ["a", "b", "c", "d"])
