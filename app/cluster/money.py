"""Totals of amounts in several currencies, in dirhams where a recorded rate allows it (pure, exact).

An amount converts at the latest rate of its currency valid on or before the amount's date; an
amount with no such rate stays in its currency and is totalled apart, so a total never silently
adds dirhams and euros."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_EVEN
from decimal import Decimal

HOME = "MAD"
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Amount:
    amount: Decimal
    currency: str
    #: The day the amount counts from (its decision, else its application, else its recording).
    on: dt.date


@dataclass(frozen=True)
class Rate:
    currency: str
    rate_to_mad: Decimal
    valid_on: dt.date


class RateBook:
    """The recorded rates, each currency's sorted by date, to find the one valid on a day."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        self._days: dict[str, list[dt.date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for rate in sorted(rates, key=lambda r: (r.currency, r.valid_on)):
            self._days.setdefault(rate.currency, []).append(rate.valid_on)
            self._rates.setdefault(rate.currency, []).append(Decimal(rate.rate_to_mad))

    def rate(self, currency: str, on: dt.date) -> Decimal | None:
        """Dirhams per unit of `currency` on `on` (1 for MAD), or None when no rate is valid yet."""
        if currency == HOME:
            return Decimal(1)
        days = self._days.get(currency, [])
        index = bisect.bisect_right(days, on)
        return self._rates[currency][index - 1] if index else None


@dataclass
class Totals:
    #: Every amount that could be converted, in dirhams (cents, rounded half to even once at the end).
    mad: Decimal = Decimal(0)
    #: Amounts with no valid rate, per currency, never added to `mad`.
    unconverted: dict[str, Decimal] = field(default_factory=dict)
    #: Every amount in its own currency, as recorded.
    by_currency: dict[str, Decimal] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        """True when every amount is in `mad`."""
        return not self.unconverted

    @property
    def is_mixed(self) -> bool:
        """True when amounts come in more than one currency (the MAD total is then a conversion)."""
        return len(self.by_currency) > 1 or any(c != HOME for c in self.by_currency)


def total(amounts: Iterable[Amount], book: RateBook) -> Totals:
    """Sum `amounts` in dirhams where a rate allows, per currency otherwise."""
    result = Totals()
    mad = Decimal(0)
    for line in amounts:
        value = Decimal(line.amount)
        result.by_currency[line.currency] = result.by_currency.get(line.currency, Decimal(0)) + value
        rate = book.rate(line.currency, line.on)
        if rate is None:
            result.unconverted[line.currency] = result.unconverted.get(line.currency, Decimal(0)) + value
        else:
            mad += value * rate
    result.mad = mad.quantize(CENTS, rounding=ROUND_HALF_EVEN)
    return result
