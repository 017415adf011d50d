"""The usage file as figures: today, this week (since Monday), per feature and model, the
suggestions and what an accepted one cost, the daily budget. ``vc-lsp usage`` prints them;
``vc/usage`` and ``vc.usage`` give today's from a running server."""

from __future__ import annotations

import datetime
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from ..config import Settings
from . import prices, store
from .store import Tokens

if TYPE_CHECKING:
    from .ledger import Ledger


def day_start(now: float) -> float:
    return time.mktime(datetime.date.fromtimestamp(now).timetuple())


def week_start(now: float) -> float:
    today = datetime.date.fromtimestamp(now)
    monday = today - datetime.timedelta(days=today.weekday())
    return time.mktime(monday.timetuple())


def _cost(settings: Settings, by: dict[tuple[str, str], Tokens]) -> tuple[float | None, bool]:
    """The cost of ``by`` and whether every model in it had a price."""
    table = settings.usage.prices
    if not table:
        return None, False
    total, complete = 0.0, True
    for (_, model), t in by.items():
        amount = prices.cost_of(table, model, t)
        if amount is None:
            complete = False
        else:
            total += amount
    return total, complete


def _period(settings: Settings, by: dict[tuple[str, str], Tokens]) -> dict[str, Any]:
    out = store.totals(by).json()
    cost, complete = _cost(settings, by)
    out["cost"] = None if cost is None else round(cost, 6)
    out["costComplete"] = complete
    return out


def gather(conn: sqlite3.Connection, settings: Settings, now: float | None = None
           ) -> dict[str, Any]:
    """Every figure ``vc-lsp usage`` prints, as JSON-ready data."""
    now = time.time() if now is None else now
    today_from, week_from = day_start(now), week_start(now)
    today = store.by_feature_model(conn, today_from)
    week = store.by_feature_model(conn, week_from)
    rows = []
    for (feature, model), t in sorted(week.items()):
        row = {"feature": feature, "model": model, **t.json()}
        row["cost"] = prices.cost_of(settings.usage.prices, model, t)
        rows.append(row)
    suggestions = store.acceptance(conn, week_from)
    inline = suggestions.get("inline", store.Acceptance())
    inline_calls = store.totals(t for (f, _), t in week.items() if f == "inline")
    per = None
    if inline.accepted:
        per = {"calls": round(inline_calls.calls / inline.accepted, 2),
               "tokens": round(inline_calls.total / inline.accepted, 1)}
    u = settings.usage
    spent, _ = _cost(settings, today)
    used = store.totals(today).total
    return {
        "currency": u.currency,
        "today": {"since": today_from, **_period(settings, today)},
        "week": {"since": week_from, **_period(settings, week)},
        "byFeatureModel": rows,
        "byOutcome": {outcome: t.json() for outcome, t
                      in sorted(store.by_outcome(conn, week_from).items())},
        "failures": store.failures(conn, week_from),
        "suggestions": {feature: a.json() for feature, a in sorted(suggestions.items())},
        "perAcceptedSuggestion": per,
        "budget": {"dailyBudget": u.daily_budget, "dailyTokens": u.daily_tokens,
                   "spentToday": None if spent is None else round(spent, 6),
                   "tokensToday": used,
                   "reached": _reached(u.daily_budget, spent or 0.0, u.daily_tokens, used)},
    }


def _reached(budget: float | None, spent: float, tokens: int | None, used: int) -> bool:
    return (budget is not None and spent >= budget) or (tokens is not None and used >= tokens)


CAUSES = {"rate": "rate limited (429)", "server": "service errors (5xx)", "auth": "key refused",
          "model": "unknown model", "timeout": "timeouts", "network": "network",
          "stream": "broken streams", "request": "refused requests (400)",
          "protocol": "HTTP protocol", "pool": "all connections busy",
          "internal": "internal errors"}


def text(data: dict[str, Any], path: str) -> str:
    """``gather``'s figures for a terminal (at most 100 columns)."""
    cur = data["currency"]
    out = [f"vc-lsp usage ({path})", ""]
    out.append(f"{'':<24}{'calls':>6}{'answered':>9}{'cancelled':>10}{'failed':>7}"
               f"{'prompt':>10}{'cached':>9}{'completion':>11}{'cost':>10}")

    def line(label: str, t: dict[str, Any]) -> str:
        cost = "" if t.get("cost") is None else prices.money(t["cost"], cur) + (
            "" if t.get("costComplete", True) else "+")
        label = label if len(label) <= 23 else label[:22] + "…"
        return (f"{label:<24}{t['calls']:>6,}{t['answered'] + t['stopped']:>9,}"
                f"{t['cancelled']:>10,}{t['failed']:>7,}{t['promptTokens']:>10,}"
                f"{t['cachedTokens']:>9,}{t['completionTokens']:>11,}{cost:>10}").rstrip()

    out.append(line("Today", data["today"]))
    out.append(line("This week", data["week"]))
    week_day = time.strftime("%a %d %b", time.localtime(data["week"]["since"]))
    out.append(f"(the week began on {week_day}; answered includes the answers vc-lsp stopped "
               "reading")
    out.append(" once they were complete)")
    out.append("")
    if data["byFeatureModel"]:
        out.append("This week by feature and model")
        for row in data["byFeatureModel"]:
            out.append(line(f"  {row['feature']} {row['model']}", row))
        out.append("")
    by = data["byOutcome"]
    cancelled = by.get("cancelled")
    if cancelled and cancelled["calls"]:
        each = cancelled["completionTokens"] / cancelled["calls"]
        out.append(f"Cancelled this week: {cancelled['calls']:,} call(s) (typing or a newer "
                   f"request took over),")
        out.append(f"  after {each:,.1f} streamed token(s) each on average")
    if data["failures"]:
        causes = ", ".join(f"{CAUSES.get(cause, cause)} {count:,}"
                           for cause, count in data["failures"].items())
        out.append(f"Failed this week: {causes}")
    estimated = data["week"]["estimatedCalls"]
    if estimated:
        out.append(f"{estimated:,} call(s) ended before the service counted their tokens: their "
                   "completion tokens are")
        out.append("  the text streamed before the hang-up, their prompt tokens characters / 4.")
    if cancelled or data["failures"] or estimated:
        out.append("")
    for feature, s in data["suggestions"].items():
        rate = f" ({s['accepted'] / s['offered']:.0%})" if s["offered"] else ""
        out.append(f"Suggestions this week ({feature}): {s['offered']:,} offered, "
                   f"{s['accepted']:,} accepted{rate}, {s['partiallyAccepted']:,} partly, "
                   f"{s['shown']:,} reported shown")
        out.append(f"  {s['acceptedChars']:,} characters accepted")
    per = data["perAcceptedSuggestion"]
    if per is not None:
        out.append(f"  per accepted suggestion: {per['calls']:g} call(s), "
                   f"{per['tokens']:,.0f} tokens")
    b = data["budget"]
    if b["dailyBudget"] is not None or b["dailyTokens"] is not None:
        parts = []
        if b["dailyBudget"] is not None:
            spent = b["spentToday"] or 0.0
            parts.append(f"{prices.money(spent, cur)} of {prices.money(b['dailyBudget'], cur)}")
        if b["dailyTokens"] is not None:
            parts.append(f"{b['tokensToday']:,} of {b['dailyTokens']:,} tokens")
        state = ("reached: automatic completions are off until tomorrow" if b["reached"]
                 else "not reached")
        out.append(f"Daily budget: {', '.join(parts)} ({state})")
    elif not data["byFeatureModel"]:
        out.append("No requests recorded this week.")
    if data["week"]["calls"]:
        if data["week"].get("cost") is None:
            out.append("Costs: set usage.prices (per million tokens by model) to see them.")
        elif not data["week"].get("costComplete", True):
            out.append("+: some models have no price in usage.prices.")
    return "\n".join(out).rstrip() + "\n"


def today_json(ledger: Ledger, settings: Settings) -> dict[str, Any]:
    """Today's sums as the server knows them (all servers, as of its last write)."""
    today = ledger.today()
    by = {("", model): t for model, t in today.items()}
    return {"currency": settings.usage.currency, "file": str(ledger.path),
            "today": _period(settings, by),
            "byModel": {model: t.json() for model, t in sorted(today.items())},
            "budgetReached": ledger.over_budget(settings)}


def today_line(ledger: Ledger, settings: Settings) -> str:
    data = today_json(ledger, settings)
    t = data["today"]
    cost = "" if t["cost"] is None else ", " + prices.money(t["cost"], data["currency"])
    reached = " Daily budget reached." if data["budgetReached"] else ""
    line = (f"vc-lsp today: {t['calls']:,} requests, {t['totalTokens']:,} tokens{cost}."
            f"{reached}")
    return line if len(line) <= 80 else line[:79] + "…"
