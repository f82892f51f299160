"""What other parts read about online payment: the dossiers paid online (OS-FEE-01/03, for the
reports), the providers a citizen may choose from (INT-PAY-01), refunds recorded after the fact, and
no fee asked for a dossier that ended unhandled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.models import AuditRecord
from motcua.dossiers.models import Dossier
from motcua.payments import services
from motcua.payments.models import PaymentEvent
from tests.payments.test_services import ipn_for, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def vnpay(settings):
    from tests.payments.test_services import SECRET

    settings.MOTCUA_PAYMENTS = {
        "vnpay": {"tmn_code": "MOTCUA01", "hash_secret": SECRET, "pay_url": "https://sandbox.example/pay"}
    }


def _paid(dossier):
    payment = start(dossier)
    services.handle_ipn("vnpay", ipn_for(payment))
    payment.refresh_from_db()
    return payment


def test_os_fee_03_paid_online_dossier_ids_lists_confirmed_payments_only(dossier, vnpay, django_assert_num_queries):
    paid = _paid(dossier)
    assert list(services.paid_online_dossier_ids()) == [dossier.pk]
    assert services.paid_online(dossier)
    # Usable as a subquery: one query for the count.
    with django_assert_num_queries(1):
        assert Dossier.objects.filter(pk__in=services.paid_online_dossier_ids()).count() == 1
    # Narrowed by dossiers and by the time of payment (half-open period).
    assert list(services.paid_online_dossier_ids([dossier.pk + 1000])) == []
    assert list(services.paid_online_dossier_ids(paid_from=paid.paid_at)) == [dossier.pk]
    assert list(services.paid_online_dossier_ids(paid_to=paid.paid_at)) == []
    assert list(services.paid_online_dossier_ids(paid_from=paid.paid_at + timedelta(seconds=1))) == []


def test_os_fee_03_a_failed_or_pending_payment_is_not_paid_online(dossier, vnpay):
    payment = start(dossier)
    assert list(services.paid_online_dossier_ids()) == []
    services.handle_ipn("vnpay", ipn_for(payment, code="51"))
    assert list(services.paid_online_dossier_ids()) == [] and not services.paid_online(dossier)


def test_int_pay_01_provider_choices_are_the_enabled_providers(settings):
    settings.MOTCUA_PAYMENTS = {
        "vnpay": {"tmn_code": "MOTCUA01", "hash_secret": "s", "pay_url": "https://sandbox.example/pay"},
        "paygov": {"url": "https://paygov.example/api", "partner_code": "MOTCUA", "secret": "s"},
    }
    assert dict(services.provider_choices()) == {"vnpay": "VNPay", "paygov": "Nền tảng thanh toán quốc gia"}
    settings.MOTCUA_PAYMENTS["paygov"]["enabled"] = False
    assert [code for code, _label in services.provider_choices()] == ["vnpay"]


def test_os_fee_03_refund_is_recorded_once_and_leaves_paid_online(dossier, vnpay):
    payment = _paid(dossier)
    with pytest.raises(ValidationFailed):
        services.record_refund(payment, by="ketoan", reason="")
    services.record_refund(payment, by="ketoan", reason="Công dân rút hồ sơ trước khi tiếp nhận")
    payment.refresh_from_db()
    assert payment.state == "refunded"
    event = PaymentEvent.objects.get(payment=payment, kind="refund")
    assert (event.from_state, event.to_state, event.params["by"]) == ("paid", "refunded", "ketoan")
    assert AuditRecord.objects.filter(action="payment_refunded", object_id=str(payment.pk)).exists()
    assert list(services.paid_online_dossier_ids()) == [] and services.payment_state(dossier) == "refunded"
    with pytest.raises(Conflict):
        services.record_refund(payment, by="ketoan", reason="Lần thứ hai")
    assert PaymentEvent.objects.filter(payment=payment, kind="refund").count() == 1


def test_os_fee_03_record_refund_command(dossier, vnpay, capsys):
    payment = _paid(dossier)
    call_command("record_refund", payment.reference, reason="Hoàn tiền do rút hồ sơ", by="ketoan")
    payment.refresh_from_db()
    assert payment.state == "refunded" and "refunded" in capsys.readouterr().out


def test_os_fee_01_no_fee_for_a_withdrawn_dossier(dossier, vnpay):
    Dossier.objects.filter(pk=dossier.pk).update(status="withdrawn")
    dossier.refresh_from_db()
    assert services.fees_due(dossier) == 0
    with pytest.raises(Conflict) as caught:
        start(dossier)
    assert caught.value.code == "dossier_closed"
    assert not dossier.payments.exists()
