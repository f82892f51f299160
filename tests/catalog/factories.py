"""Factories for catalogue tests: realistic Vietnamese names, unique codes under parallel runs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from motcua.catalog import versioning
from motcua.catalog.models import (
    Fee,
    LegalBasis,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    ResultDocument,
    Sector,
)
from motcua.organizations.models import Agency


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"{n % 1000:03d}.00.31.H56")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Đông Tiến {n}")
    level = "commune"


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector

    field_code = factory.Sequence(lambda n: f"F{n:03d}")
    code = factory.LazyAttribute(lambda o: f"H56-{o.field_code}")
    name = "Hộ tịch"


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure

    procedure_code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = "Đăng ký khai sinh"


class VersionFactory(DjangoModelFactory):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory, name=factory.SelfAttribute("..name"))
    number = 1
    name = "Đăng ký khai sinh"
    sector = factory.SubFactory(SectorFactory)
    levels = factory.LazyFunction(lambda: ["commune"])
    channels = factory.LazyFunction(lambda: ["counter", "online"])
    service_mode = "online_partial"
    time_limit_days = Decimal("5")
    valid_from = dt.date(2025, 1, 1)


def full_version(**kwargs) -> ProcedureVersion:
    """A draft with one row of every child table and one competent agency."""
    version = VersionFactory(**kwargs)
    version.agencies.add(AgencyFactory())
    RequiredDocument.objects.create(version=version, code="GT01", name="Tờ khai", originals=1)
    Fee.objects.create(version=version, code="LP01", name="Lệ phí", kind="charge", amount=8000)
    LegalBasis.objects.create(version=version, number="60/2014/QH13", title="Luật Hộ tịch")
    ResultDocument.objects.create(version=version, code="KQ01", name="Giấy khai sinh")
    return version


def published(**kwargs) -> ProcedureVersion:
    return versioning.publish(VersionFactory(**kwargs))
