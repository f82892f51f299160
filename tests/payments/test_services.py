"""Fee lines and the payment service rules (OS-FEE-02, OS-FEE-03, INT-PAY-03) without the network."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from motcua.core.errors import Conflict, ValidationFailed
from motcua.notifications.channels import DuplicateRegistration
from motcua.payments import services
from motcua.payments.models import AppendOnlyError, PaymentEvent
from motcua.payments.providers import PaymentProvider, get_provider, provider_options, providers
from motcua.payments.signing import vnpay_query, vnpay_sign
from tests.payments.conftest import ONLINE_FEES, build_paying_dossier

SECRET = "unit-test-secret"
RETURN = "https://dichvucong.example.vn/thanh-toan/ket-qua/vnpay/"


@pytest.fixture
def vnpay(settings):
    settings.MOTCUA_PAYMENTS = {
        "vnpay": {"tmn_code": "MOTCUA01", "hash_secret": SECRET, "pay_url": "https://sandbox.example/pay"}
    }


def start(dossier):
    return services.start_payment(dossier=dossier, provider_code="vnpay", return_url=RETURN, client_ip="198.51.100.4")


def ipn_for(payment, code="00", amount=None):
    params = {
        "vnp_TxnRef": payment.reference,
        "vnp_Amount": str((amount if amount is not None else payment.amount) * 100),
        "vnp_ResponseCode": code,
        "vnp_TransactionStatus": code if code == "00" else "02",
        "vnp_TransactionNo": "14000123",
        "vnp_BankCode": "NCB",
    }
    return vnpay_sign(params, SECRET)


def test_os_fee_02_fees_due_sums_online_and_all_channel_lines_not_exempt(dossier):
    lines = services.fee_lines(dossier)
    assert [(line["code"], line["kind"], line["amount"]) for line in lines] == [
        ("LP01", "charge", 8_000),
        ("P01", "fee", 5_000),
    ]
    assert services.fees_due(dossier) == ONLINE_FEES
    assert services.payment_state(dossier) == "none" and not services.is_paid(dossier)


def test_os_fee_03_start_payment_records_fee_breakdown_and_reuses_the_pending_order(dossier, vnpay):
    first = start(dossier)
    again = start(dossier)
    assert again.pk == first.pk and again.redirect_url == first.redirect_url
    assert first.fee_lines == services.fee_lines(dossier) and first.amount == ONLINE_FEES
    assert len(first.reference) == 26 and first.reference.isalnum()
    assert services.payment_state(dossier) == "pending"


def test_int_pay_03_references_are_unguessable(dossier, vnpay):
    from django.utils import timezone

    now = timezone.now()
    references = {services.new_reference(now) for _ in range(200)}
    assert len(references) == 200


def test_os_fee_03_only_the_verified_ipn_sets_paid_and_then_start_is_refused(dossier, vnpay):
    payment = start(dossier)
    body, status = services.handle_ipn("vnpay", ipn_for(payment))
    assert (body["RspCode"], status) == ("00", 200)
    assert services.is_paid(dossier) and services.fees_due(dossier) == 0
    with pytest.raises(Conflict) as caught:
        start(dossier)
    assert caught.value.code == "already_paid"


def test_os_fee_03_failed_payment_can_be_retried_with_a_new_order(dossier, vnpay):
    payment = start(dossier)
    body, _ = services.handle_ipn("vnpay", ipn_for(payment, code="51"))
    assert body["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.state == "failed" and services.payment_state(dossier) == "failed"
    assert start(dossier).reference != payment.reference


def test_os_fee_01_nothing_to_pay_is_a_conflict(db, vnpay):
    dossier = build_paying_dossier(fees=False)
    assert services.fees_due(dossier) == 0
    with pytest.raises(Conflict) as caught:
        start(dossier)
    assert caught.value.code == "nothing_to_pay"


def test_int_pay_03_unknown_or_unconfigured_provider_and_bad_return_url_are_refused(dossier, settings):
    settings.MOTCUA_PAYMENTS = {}
    with pytest.raises(ValidationFailed):
        start(dossier)
    with pytest.raises(ValidationFailed):
        services.start_payment(dossier=dossier, provider_code="nope", return_url=RETURN, client_ip="1.2.3.4")
    settings.MOTCUA_PAYMENTS = {"vnpay": {"tmn_code": "T", "hash_secret": "s", "pay_url": "https://x/pay"}}
    with pytest.raises(ValidationFailed):
        services.start_payment(dossier=dossier, provider_code="vnpay", return_url="javascript:alert(1)", client_ip="1")


def test_int_pay_03_handle_return_is_display_only(dossier, vnpay):
    payment = start(dossier)
    shown = services.handle_return("vnpay", ipn_for(payment))
    assert shown.state == "pending" and shown.return_verified and shown.return_outcome == "success"
    forged = {**ipn_for(payment), "vnp_ResponseCode": "00", "vnp_Amount": "1"}
    shown = services.handle_return("vnpay", forged)
    assert shown.state == "pending" and not shown.return_verified and shown.return_outcome is None


def test_int_pay_03_repeated_query_parameters_take_the_last_value(dossier, vnpay):
    from django.http import QueryDict

    payment = start(dossier)
    query = QueryDict(f"vnp_Amount=1&{vnpay_query(ipn_for(payment))}")
    body, _ = services.handle_ipn("vnpay", query)
    assert body["RspCode"] == "00"


def test_int_pay_03_payment_events_are_append_only(dossier, vnpay):
    start(dossier)
    event = PaymentEvent.objects.get()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_int_pay_03_registry_refuses_duplicate_codes_and_explains_missing_configuration(settings):
    get_provider("vnpay")
    with pytest.raises(DuplicateRegistration):

        @providers.register("vnpay")
        class Again(PaymentProvider):
            pass

    settings.MOTCUA_PAYMENTS = {}
    assert "hash_secret" in get_provider("vnpay").check_config()
    assert "secret" in get_provider("paygov").check_config()


def test_int_ext_03_secrets_come_from_the_environment(monkeypatch, settings):
    settings.MOTCUA_PAYMENTS = {}
    monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", "from-env")
    monkeypatch.setenv("MOTCUA_VNPAY_ENABLED", "false")
    options = provider_options("vnpay")
    assert options["hash_secret"] == "from-env" and options["enabled"] is False


def test_int_pay_02_redirect_lists_the_spec_fields(dossier, vnpay):
    params = dict(parse_qsl(urlsplit(start(dossier).redirect_url).query))
    for name in (
        "vnp_Version",
        "vnp_Command",
        "vnp_TmnCode",
        "vnp_Amount",
        "vnp_CreateDate",
        "vnp_CurrCode",
        "vnp_IpAddr",
        "vnp_Locale",
        "vnp_OrderInfo",
        "vnp_ReturnUrl",
        "vnp_TxnRef",
        "vnp_SecureHash",
    ):
        assert params[name]
    assert (
        params["vnp_ReturnUrl"] == RETURN and params["vnp_CreateDate"].isdigit() and len(params["vnp_CreateDate"]) == 14
    )


def test_gen_audit_every_settlement_lands_in_the_hash_chained_log(dossier, vnpay):
    from motcua.core.audit import verify_chain
    from motcua.core.models import AuditRecord

    payment = start(dossier)
    services.handle_ipn("vnpay", ipn_for(payment))
    services.handle_ipn("vnpay", ipn_for(payment))  # a replay is not a second settlement
    records = AuditRecord.objects.filter(object_type="payments.payment")
    assert list(records.values_list("action", "object_repr")) == [("payment_paid", payment.reference)]
    assert records.get().agency_code == dossier.competent_agency.code
    assert verify_chain().intact


def test_int_pay_03_an_ipn_costs_a_bounded_number_of_queries(dossier, vnpay, django_assert_max_num_queries):
    payment = start(dossier)
    with django_assert_max_num_queries(10):
        services.handle_ipn("vnpay", ipn_for(payment))
    with django_assert_max_num_queries(4):
        services.handle_ipn("vnpay", ipn_for(payment))  # replay
