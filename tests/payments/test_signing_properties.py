"""Signing and canonicalisation as properties (INT-PAY-02): any parameters round-trip; any single change breaks."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.payments.signing import (
    PAYGOV_INIT_FIELDS,
    paygov_check_value,
    paygov_verify,
    vnpay_query,
    vnpay_sign,
    vnpay_verify,
)

SECRET = "property-secret"
values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
names = st.from_regex(r"vnp_[A-Za-z][A-Za-z0-9_]{0,15}", fullmatch=True).filter(
    lambda n: n not in {"vnp_SecureHash", "vnp_SecureHashType"}
)
params = st.dictionaries(names, values, min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(params)
def test_int_pay_02_any_signed_parameters_verify_after_the_query_round_trip(data):
    signed = vnpay_sign(data, SECRET)
    assert vnpay_verify(signed, SECRET)
    # What the browser or the IPN delivers: the query string parsed back.
    assert vnpay_verify(dict(parse_qsl(vnpay_query(signed), keep_blank_values=True)), SECRET)


@settings(max_examples=150, deadline=None)
@given(params, st.data())
def test_int_pay_02_changing_any_one_value_breaks_the_signature(data, draw):
    signed = vnpay_sign(data, SECRET)
    name = draw.draw(st.sampled_from(sorted(data)))
    new_value = draw.draw(values.filter(lambda v: v != data[name]))
    assert not vnpay_verify({**signed, name: new_value}, SECRET)


@settings(max_examples=100, deadline=None)
@given(params, names, values)
def test_int_pay_02_adding_or_removing_a_parameter_breaks_the_signature(data, extra_name, extra_value):
    signed = vnpay_sign(data, SECRET)
    if extra_name not in data:
        assert not vnpay_verify({**signed, extra_name: extra_value}, SECRET)
    removed = dict(signed)
    removed.pop(sorted(data)[0])
    assert not vnpay_verify(removed, SECRET)


@settings(max_examples=100, deadline=None)
@given(params, st.text(min_size=1, max_size=20).filter(lambda s: s != SECRET))
def test_int_pay_02_another_secret_never_verifies(data, other):
    assert not vnpay_verify(vnpay_sign(data, other), SECRET)


def test_int_pay_02_non_vnp_parameters_are_not_signed_and_do_not_matter():
    signed = vnpay_sign({"vnp_TxnRef": "A1", "vnp_Amount": "1300000"}, SECRET)
    assert vnpay_verify({**signed, "utm_source": "x"}, SECRET)
    assert not vnpay_verify({**signed, "vnp_SecureHash": ""}, SECRET)
    assert not vnpay_verify(signed, "")


init_messages = st.fixed_dictionaries({name: st.text(max_size=20) for name in PAYGOV_INIT_FIELDS}).map(
    lambda m: {**m, "LoaiBanTin": "INIT"}
)


@settings(max_examples=100, deadline=None)
@given(init_messages, st.data())
def test_int_pay_02_paygov_check_value_round_trips_and_any_field_change_breaks_it(message, draw):
    message["MaXacThuc"] = paygov_check_value(message, SECRET)
    assert paygov_verify(message, SECRET)
    name = draw.draw(st.sampled_from([n for n in PAYGOV_INIT_FIELDS if n != "LoaiBanTin"]))
    changed = draw.draw(st.text(max_size=20).filter(lambda v: v != message[name] and "|" not in v + message[name]))
    assert not paygov_verify({**message, name: changed}, SECRET)


def test_int_pay_02_paygov_check_value_is_sha256_of_the_pipe_joined_fields_and_secret():
    import hashlib

    message = {
        "LoaiBanTin": "QUERY",
        "PhienBan": "1.0.6",
        "MaDoiTac": "P",
        "MaThamChieu": "R",
        "ThoiGianGD": "20250714153005",
    }
    expected = hashlib.sha256(b"QUERY|1.0.6|P|R|20250714153005|" + SECRET.encode()).hexdigest()
    assert paygov_check_value(message, SECRET) == expected
