"""What tokens cost, from ``usage.prices`` (per million tokens, by model id; ``"*"`` for any)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .store import Tokens

PER = 1_000_000


def price_of(prices: Mapping[str, Any], model: str) -> Mapping[str, float] | None:
    price = prices.get(model)
    if price is None:
        price = prices.get("*")
    return price if isinstance(price, Mapping) else None


def cost(prices: Mapping[str, Any], model: str, prompt: int, cached: int,
         completion: int) -> float | None:
    """The cost of these tokens, or ``None`` when the model has no price.

    Cached prompt tokens cost ``cachedInput`` (the input price when it is not given); the rest
    of the prompt costs ``input``.
    """
    price = price_of(prices, model)
    if price is None:
        return None
    rate_in = float(price.get("input", 0.0))
    rate_cached = float(price.get("cachedInput", rate_in))
    rate_out = float(price.get("output", 0.0))
    cached = min(cached, prompt)
    return ((prompt - cached) * rate_in + cached * rate_cached + completion * rate_out) / PER


def cost_of(prices: Mapping[str, Any], model: str, t: Tokens) -> float | None:
    return cost(prices, model, t.prompt, t.cached, t.completion)


def money(amount: float, currency: str) -> str:
    """``$0.0123`` style: enough digits that a day of completions does not show as 0.00."""
    digits = 2 if amount >= 1 or amount == 0 else 4
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥"}.get(currency.upper())
    number = f"{amount:,.{digits}f}"
    return f"{symbol}{number}" if symbol else f"{number} {currency}"
