"""Amounts in several currencies: totals in dirhams at the rates managers record, never silently mixed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.cluster import money
from app.cluster import queries
from app.cluster import services
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed

D = dt.date


def book(*rates: tuple[str, str, dt.date]) -> money.RateBook:
    return money.RateBook(money.Rate(c, Decimal(r), on) for c, r, on in rates)


def test_an_amount_converts_at_the_latest_rate_valid_on_or_before_its_day():
    rates = book(("EUR", "10.80", D(2026, 1, 1)), ("EUR", "10.95", D(2026, 6, 1)), ("USD", "9.9", D(2026, 1, 1)))

    totals = money.total([money.Amount(Decimal("1000.00"), "EUR", D(2026, 5, 31)),  # the January rate
                          money.Amount(Decimal("1000.00"), "EUR", D(2026, 6, 1)),   # June's, from its first day
                          money.Amount(Decimal("0.10"), "USD", D(2026, 2, 1)),
                          money.Amount(Decimal("0.20"), "MAD", D(2020, 1, 1))], rates)

    assert totals.mad == Decimal("21750.00") + Decimal("0.99") + Decimal("0.20")
    assert totals.is_complete and totals.is_mixed
    assert totals.by_currency == {"EUR": Decimal("2000.00"), "USD": Decimal("0.10"), "MAD": Decimal("0.20")}


def test_conversion_is_exact_and_rounds_once_half_to_even():
    rates = book(("EUR", "10.8125", D(2026, 1, 1)))
    # 3 × 0.01 × 10.8125 = 0.324375 → 0.32 (a float sum would drift; each line rounded would give 0.33)
    totals = money.total([money.Amount(Decimal("0.01"), "EUR", D(2026, 2, 1))] * 3, rates)

    assert totals.mad == Decimal("0.32")
    assert isinstance(totals.mad, Decimal)


def test_without_a_rate_a_currency_is_totalled_apart_never_mixed():
    rates = book(("EUR", "10.80", D(2026, 6, 1)))

    totals = money.total([money.Amount(Decimal("500"), "MAD", D(2026, 1, 1)),
                          money.Amount(Decimal("100"), "EUR", D(2026, 5, 1)),  # before the only EUR rate
                          money.Amount(Decimal("70"), "USD", D(2026, 7, 1))], rates)

    assert totals.mad == Decimal("500.00")
    assert totals.unconverted == {"EUR": Decimal("100"), "USD": Decimal("70")}
    assert not totals.is_complete


def test_a_project_total_uses_the_recorded_rates(session, manager, founder, make_project, now):
    project = make_project()
    for amount, currency in (("100000.00", "MAD"), ("10000.00", "EUR"), ("500.00", "USD")):
        services.save_funding(session, project, None, actor=founder, now=now, source="grant", amount=amount,
                              currency=currency, status="granted", decided_on=D(2026, 3, 1))
    services.record_exchange_rate(session, actor=manager, now=now, currency="EUR", rate_to_mad="10.85",
                                  valid_on=D(2026, 1, 1), source="Bank Al-Maghrib")
    session.commit()

    granted = queries.funding_totals_in_mad(session, project)["granted"]

    assert granted.mad == Decimal("208500.00")
    assert granted.unconverted == {"USD": Decimal("500.00")}
    assert granted.by_currency["EUR"] == Decimal("10000.00")


@pytest.mark.parametrize("fields, field", [
    ({"currency": "MAD"}, "currency"),
    ({"currency": "XYZ"}, "currency"),
    ({"rate_to_mad": "0"}, "rate_to_mad"),
    ({"rate_to_mad": "abc"}, "rate_to_mad"),
    ({"rate_to_mad": "1.1234567"}, "rate_to_mad"),
    ({"valid_on": None}, "valid_on"),
    ({"source": "  "}, "source"),
])
def test_a_rate_is_checked(session, manager, now, fields, field):
    data = {"currency": "EUR", "rate_to_mad": "10.85", "valid_on": D(2026, 1, 1), "source": "BAM", **fields}
    with pytest.raises(ValidationFailed) as refused:
        services.record_exchange_rate(session, actor=manager, now=now, **data)
    assert field in refused.value.errors


def test_only_managers_record_rates_and_one_per_currency_and_day(session, manager, founder, now):
    with pytest.raises(Forbidden):
        services.record_exchange_rate(session, actor=founder, now=now, currency="EUR", rate_to_mad="10",
                                      valid_on=D(2026, 1, 1), source="BAM")
    services.record_exchange_rate(session, actor=manager, now=now, currency="EUR", rate_to_mad="10",
                                  valid_on=D(2026, 1, 1), source="BAM")
    with pytest.raises(Conflict):
        services.record_exchange_rate(session, actor=manager, now=now, currency="EUR", rate_to_mad="11",
                                      valid_on=D(2026, 1, 1), source="BAM")


def test_the_page_lists_and_records_rates(client, login_as, manager, founder, make_project, session, now):
    project = make_project()
    services.save_funding(session, project, None, actor=founder, now=now, source="grant", amount="1000",
                          currency="EUR", status="granted", decided_on=now.date())
    session.commit()
    login_as(manager)
    partners = client.get(f"/projects/{project.id}/partners").get_data(as_text=True)
    assert "data-no-rate" in partners  # no EUR rate yet: the euros stay euros

    empty = client.get("/exchange-rates")
    assert empty.status_code == 200 and "data-rate=" not in empty.get_data(as_text=True)
    bad = client.post("/exchange-rates", data={"currency": "EUR", "rate_to_mad": "-1", "valid_on": "2026-01-01",
                                               "source": "BAM"})
    assert bad.status_code == 422
    done = client.post("/exchange-rates", data={"currency": "EUR", "rate_to_mad": "10.85",
                                                "valid_on": (now.date() - dt.timedelta(days=30)).isoformat(),
                                                "source": "Bank Al-Maghrib"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert 'data-rate="EUR"' in page and "Bank Al-Maghrib" in page
    partners = client.get(f"/projects/{project.id}/partners").get_data(as_text=True)
    assert "data-no-rate" not in partners and "10,850.00" in partners  # 1,000 EUR × 10.85, and the euros shown


def test_the_api_records_rates_and_gives_totals_in_dirhams(api, manager, founder, make_project, session, now):
    project = make_project()
    services.save_funding(session, project, None, actor=founder, now=now, source="grant", amount="200",
                          currency="USD", status="granted", decided_on=now.date())
    session.commit()
    as_manager = api(manager)
    created = as_manager.post("/api/v1/exchange-rates", json={"currency": "USD", "rate_to_mad": "9.5",
                                                              "valid_on": "2020-01-01", "source": "BAM"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["rate_to_mad"] == "9.500000"
    assert as_manager.get("/api/v1/exchange-rates").get_json()["total"] == 1
    assert api(founder).post("/api/v1/exchange-rates", json={}).status_code == 403
    totals = api(founder).get(f"/api/v1/projects/{project.id}/funding").get_json()["totals_mad"]
    assert totals == {"granted": {"mad": "1900.00", "complete": True, "unconverted": {}}}
