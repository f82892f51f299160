"""Worklists (issue 4, item 3): tabs with counts, filters, keyset pages, deadline colour and text,
agency scope, and a bounded number of queries per page whatever the number of dossiers."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from motcua.workspace.common import deadline_state
from tests.dossiers.builders import MONDAY, counter_dossier, to_processing


def _codes(html: str) -> list[str]:
    return re.findall(r'href="/can-bo/ho-so/([^/"]+)/"', html)


def test_mine_lists_the_handlers_dossiers_with_the_overdue_state_in_words_and_colour(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    body = sign_in("chuyenvien.b").get("/can-bo/?tab=mine").content.decode()
    assert dossier.code in _codes(body)
    assert 'class="badge badge-late">Quá hạn<' in body  # colour AND text


def test_tabs_show_counts(world, sign_in):
    to_processing(world, counter_dossier(world))
    counter_dossier(world, accept=False)
    client = sign_in("motcua.a")
    page = client.get("/can-bo/?tab=new").content.decode()
    assert 'hx-get="/can-bo/dem/?tab=new"' in page and 'hx-trigger="load"' in page  # counts follow the list
    body = client.get("/can-bo/dem/?tab=new").content.decode()
    assert re.search(r"Chờ tiếp nhận <span class=\"ws-count\">\(1\)</span>", body)
    assert re.search(r"Quá hạn <span class=\"ws-count\">\(1\)</span>", body)


def test_dossiers_of_other_agencies_are_not_listed(world, sign_in):
    counter_dossier(world)
    body = sign_in("ngoai.d").get("/can-bo/?tab=all").content.decode()
    assert _codes(body) == []


def test_filters_by_procedure_and_received_dates(world, sign_in):
    dossier = counter_dossier(world)
    client = sign_in("motcua.a")
    code = world.version.procedure.procedure_code
    assert dossier.code in _codes(client.get(f"/can-bo/?tab=all&procedure={code}").content.decode())
    assert _codes(client.get("/can-bo/?tab=all&procedure=0.000000").content.decode()) == []
    day = MONDAY.date().isoformat()
    assert dossier.code in _codes(client.get(f"/can-bo/?tab=all&from={day}&to={day}").content.decode())
    later = (MONDAY.date() + timedelta(days=1)).isoformat()
    assert _codes(client.get(f"/can-bo/?tab=all&from={later}").content.decode()) == []


def test_bad_filter_values_get_vietnamese_messages_and_are_kept(world, sign_in):
    body = sign_in("motcua.a").get("/can-bo/?tab=all&from=hom-qua&to=2025-01-01&status=khong-co").content.decode()
    assert "Ngày không hợp lệ (dạng năm-tháng-ngày)." in body
    assert "Trạng thái không hợp lệ." in body
    assert 'value="hom-qua"' in body


def test_keyset_pages_cover_every_dossier_once(world, sign_in):
    made = {counter_dossier(world, now=MONDAY + timedelta(minutes=i)).code for i in range(33)}
    client = sign_in("motcua.a")
    first = client.get("/can-bo/?tab=all").content.decode()
    page_one = _codes(first)
    assert len(page_one) == 30
    link = re.search(r'href="\?([^"]*cursor=[^"]*)">Trang sau', first)
    assert link is not None
    second = client.get("/can-bo/?" + link.group(1).replace("&amp;", "&")).content.decode()
    page_two = _codes(second)
    assert len(page_two) == 3 and set(page_one) | set(page_two) == made
    assert "Trang sau" not in second


def test_a_tampered_cursor_shows_the_first_page_with_a_message(world, sign_in):
    counter_dossier(world)
    body = sign_in("motcua.a").get("/can-bo/?tab=all&cursor=xxxx").content.decode()
    assert "Liên kết trang không hợp lệ" in body and len(_codes(body)) == 1


def test_deadline_state_words_for_each_case():
    now = timezone.now()

    def state(status, due, timeliness=""):
        found = deadline_state(SimpleNamespace(status=status, due_at=due, timeliness=timeliness), now)
        return found.css, found.text

    assert state("in_process", now - timedelta(hours=1)) == ("badge-late", "Quá hạn")
    assert state("in_process", now + timedelta(hours=20)) == ("badge-warn", "Sắp đến hạn")
    assert state("accepted", now + timedelta(days=9)) == ("badge-ok", "Trong hạn")
    assert state("supplement_requested", now - timedelta(days=1))[1] == "Tạm dừng tính hạn"
    assert state("returned", now, "late") == ("badge-late", "Trễ hạn")
    assert state("submitted", None)[1] == "Chưa tính hạn"


def _many(world, count):
    for i in range(count):
        to_processing(world, counter_dossier(world, now=MONDAY + timedelta(minutes=i)))


def test_worklist_queries_do_not_grow_with_the_number_of_dossiers(world, sign_in, django_assert_max_num_queries):
    _many(world, 3)
    client = sign_in("chuyenvien.b")
    client.get("/can-bo/?tab=all")  # warm the session
    with django_assert_max_num_queries(30) as few:
        client.get("/can-bo/?tab=all")
    _many(world, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/can-bo/?tab=all")
    assert len(_codes(response.content.decode())) == 28


def test_tab_counts_queries_are_bounded(world, sign_in, django_assert_max_num_queries):
    _many(world, 3)
    from django.core.cache import cache

    client = sign_in("chuyenvien.b")
    client.get("/can-bo/dem/")
    cache.clear()
    # Seven tabs, each a capped count plus the scope's open-part look-up; what matters is the
    # second check: the number does not grow with the dossiers.
    with django_assert_max_num_queries(40) as few:
        client.get("/can-bo/dem/")
    _many(world, 20)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/can-bo/dem/?tab=all").content.decode()
    assert 'Theo trạng thái <span class="ws-count">(23)</span>' in body


def test_tab_counts_stop_at_the_cap(world, sign_in, monkeypatch):
    from motcua.workspace import views_lists

    monkeypatch.setattr(views_lists, "COUNT_CAP", 3)
    _many(world, 4)
    body = sign_in("chuyenvien.b").get("/can-bo/dem/?tab=all").content.decode()
    assert 'Theo trạng thái <span class="ws-count">(2+)</span>' in body


def test_leader_view_queries_are_bounded(world, sign_in, django_assert_max_num_queries):
    _many(world, 3)
    client = sign_in("lanhdao.c")
    client.get("/can-bo/lanh-dao/")
    with django_assert_max_num_queries(20) as few:
        client.get("/can-bo/lanh-dao/")
    _many(world, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/can-bo/lanh-dao/").status_code == 200


def test_tab_counts_are_reused_for_half_a_minute(world, sign_in, django_assert_max_num_queries):
    from django.core.cache import cache

    _many(world, 2)
    client = sign_in("chuyenvien.b")
    cache.clear()
    with django_assert_max_num_queries(40) as first:
        client.get("/can-bo/dem/?tab=mine")
    with django_assert_max_num_queries(len(first.captured_queries) - 7) as again:
        body = client.get("/can-bo/dem/?tab=overdue").content.decode()  # same filters, another tab
    assert 'Quá hạn <span class="ws-count">(2)</span>' in body
    assert not any("COUNT" in q["sql"] for q in again.captured_queries if "dossiers_dossier" in q["sql"])
