"""``vc-lsp doctor``: is the set-up working, and if not, what to do next.

Checks, in order: the settings, the API key (never printed), the proxy and trusted CAs the
connection uses, ``GET <baseUrl>/models`` (a refused certificate is looked at again, unverified,
to name who issued it), that the configured models are listed, and one tiny streamed answer per
configured model, timed. Each
failure prints the server's own message for it (``UpstreamError.full_message``) and a next step.
Exit status: 0 when nothing failed (warnings allowed), 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass

import httpx

from .. import __version__
from ..config import Settings
from ..upstream.chunks import Delta, Finish
from ..upstream.client import ChatRequest, Feature, UpstreamClient
from ..upstream.errors import (
    AuthError,
    ModelNotFound,
    NetworkError,
    TlsError,
    UpstreamError,
    UpstreamTimeout,
)
from ..upstream.network import NetworkSetupError, peek_certificate
from .common import Loaded, is_local, load_settings, next_step, plain, say

PROBE = "Reply with the single word: ok"


def run(args: argparse.Namespace) -> int:
    return asyncio.run(doctor(load_settings(args)))


class Report:
    """One line per check: ``[ok]``, ``[warn]``, ``[FAIL]`` or ``[skip]``, then a next step."""

    def __init__(self) -> None:
        self.failed = 0
        self.warned = 0

    def line(self, mark: str, what: str, text: str, step: str | None = None) -> None:
        say(f"{mark:<6} {what:<9} {text}")
        if step:
            say(f"{'':<6} {'':<9} next: {step}")

    def ok(self, what: str, text: str) -> None:
        self.line("[ok]", what, text)

    def warn(self, what: str, text: str, step: str | None = None) -> None:
        self.warned += 1
        self.line("[warn]", what, text, step)

    def fail(self, what: str, text: str, step: str | None = None) -> None:
        self.failed += 1
        self.line("[FAIL]", what, text, step)

    def skip(self, what: str, text: str) -> None:
        self.line("[skip]", what, text)


@dataclass
class Probe:
    first_ms: float | None
    total_ms: float
    text: str
    finish: str | None


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def probe(client: UpstreamClient, s: Settings, model: str, uses: list[str]) -> Probe:
    """One tiny streamed request, sent with the parameters the model's first feature uses."""
    roles: dict[str, Feature] = {"completions": "inline", "next edits": "nes"}
    feature = roles.get(uses[0], "actions")
    req = ChatRequest.for_feature(s, feature, [{"role": "user", "content": PROBE}])
    start = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    finish: str | None = None
    async with client.stream(req) as events:
        async for event in events:
            if isinstance(event, Delta) and event.index == 0 and event.text:
                if first is None:
                    first = time.perf_counter() - start
                parts.append(event.text)
            elif isinstance(event, Finish) and event.index == 0:
                finish = event.reason
    total = time.perf_counter() - start
    return Probe(None if first is None else first * 1000, total * 1000, "".join(parts), finish)


async def doctor(loaded: Loaded) -> int:
    s = loaded.settings
    r = Report()
    say(f"vc-lsp {__version__} doctor")
    say(f"  baseUrl    {s.base_url}  ({loaded.source('baseUrl')})")
    say(f"  model      {s.model}  ({loaded.source('model')})")
    for model, uses in s.model_roles().items():
        say(f"  {' and '.join(uses)}: {model}")
    say("")
    for problem in loaded.problems:
        r.warn("settings", problem)

    key = s.api_key()
    if key:
        odd = key[0] in "\"'" or key[-1] in "\"'" or any(c.isspace() for c in key)
        if odd:
            r.warn("key", f"{s.api_key_env} is set but contains quotes or spaces (not shown)",
                   f"export {s.api_key_env} again without quotes around the key.")
        else:
            r.ok("key", f"{s.api_key_env} is set ({len(key)} characters, not shown)")
    elif is_local(s.base_url):
        r.ok("key", f"{s.api_key_env} is not set: fine for a local server")
    else:
        r.warn("key", f"{s.api_key_env} is not set; {s.base_url} will probably want a key",
               f"export {s.api_key_env}=<your key> in the shell your editor starts from.")

    client = UpstreamClient(s)
    try:
        if _network(client, s, r):
            await _checks(client, s, r)
    finally:
        await client.aclose()

    say("")
    if r.failed:
        say(f"{r.failed} check(s) failed.")
        return 1
    say("All checks passed." + (f" ({r.warned} warning(s))" if r.warned else ""))
    if loaded.file is None:
        say("Your editor may send settings of its own; pass them with --settings FILE to check "
            "exactly what it uses.")
    return 0


def _network(client: UpstreamClient, s: Settings, r: Report) -> bool:
    """Which proxy and which CAs the connection uses, and why; False if they cannot be used."""
    try:
        route = client.route()
        r.ok("proxy", route.describe())
        if s.base_url.startswith("https://"):
            trust = client.trust()
            if trust.verify:
                r.ok("trust", trust.source)
            else:
                r.warn("trust", trust.source, "set network.strictTls back to true once the "
                       "certificate problem is understood.")
    except NetworkSetupError as exc:
        r.fail("network", str(exc), "fix the network setting (or the variable) it names, "
               "then run `vc-lsp doctor` again.")
        r.skip("endpoint", "needs usable network settings")
        return False
    return True


async def _explain_tls(client: UpstreamClient, s: Settings, err: TlsError, r: Report) -> None:
    """Name an intercepted certificate as such, with who issued it."""
    url = httpx.URL(s.base_url)
    cert = await peek_certificate(client.dialer, url, s.timeouts.connect_ms / 1000)
    host = url.host
    step = ("get your company's CA certificate as a PEM file and set network.caBundle to it "
            "(--set network.caBundle=/path/to/ca.pem), or ask IT to install it in the "
            "system store; then run `vc-lsp doctor` again.")
    if cert is None:
        what = "intercepted" if err.intercepted else "refused"
        r.fail("tls", f"the certificate of {host} is {what}: {err.reason}", step)
        return
    if err.intercepted:
        who = ("issued by itself (self-signed)" if cert.self_signed
               else f"issued by \"{cert.issuer}\"")
        r.fail("tls", f"INTERCEPTED: the certificate {host} showed is {who}, which this machine "
                      f"does not trust ({err.reason}). A TLS-inspecting proxy, security "
                      "software or a self-signed server is in the way.", step)
        return
    r.fail("tls", f"the certificate of {host} (\"{cert.subject}\", issued by "
                  f"\"{cert.issuer}\") was refused: {err.reason}",
           "check baseUrl's host name and the machine's clock.")


async def _checks(client: UpstreamClient, s: Settings, r: Report) -> None:
    url = s.base_url.rstrip("/") + "/models"
    start = time.perf_counter()
    models: list[str] | None = None
    no_list = False
    try:
        models = await client.models(s)
    except TlsError as err:
        await _explain_tls(client, s, err, r)
        r.skip("models", "needs the endpoint to answer")
        r.skip("stream", "needs the endpoint to answer")
        return
    except (AuthError, NetworkError) as err:
        r.fail("key" if isinstance(err, AuthError) else "endpoint", plain(err), next_step(err, s))
        r.skip("models", "needs the endpoint to answer")
        r.skip("stream", "needs the endpoint to answer")
        return
    except UpstreamTimeout as err:
        r.fail("endpoint", plain(err), next_step(err, s))
        r.skip("models", "needs the endpoint to answer")
        r.skip("stream", "needs the endpoint to answer")
        return
    except UpstreamError as err:
        no_list = isinstance(err, ModelNotFound)
        r.warn("endpoint", f"GET {url}: {err.detail}",
               "some servers have no model list; the streaming check below tells whether "
               "baseUrl is right.")
        r.skip("models", "no model list to check against")
    else:
        elapsed = time.perf_counter() - start
        r.ok("endpoint", f"GET {url} answered in {_ms(elapsed)} ({len(models)} models)")
        for model, uses in s.model_roles().items():
            if model in models:
                r.ok("models", f"{model} is listed ({' and '.join(uses)})")
            elif not models:
                r.warn("models", f"the endpoint lists no models, so {model} cannot be checked")
            else:
                missing = ModelNotFound("not in /models", base_url=s.base_url, model=model)
                r.fail("models", f"{model} ({' and '.join(uses)}) is not in the model list",
                       next_step(missing, s, models))

    for model, uses in s.model_roles().items():
        try:
            result = await probe(client, s, model, uses)
        except UpstreamError as err:
            failure = err
            if no_list and isinstance(err, ModelNotFound):
                # Neither /models nor /chat/completions exists here: the URL, not the model.
                failure = ModelNotFound(err.detail, base_url=s.base_url)
            r.fail("stream", f"{model}: {plain(failure)}", next_step(failure, s, models))
            continue
        if not result.text.strip():
            r.warn("stream", f"{model} answered with no text (finish reason "
                             f"{result.finish or 'none'}) in {result.total_ms:.0f} ms",
                   "a reasoning model may spend all of maxTokens thinking; raise "
                   "inline.maxTokens or pick a non-reasoning model for completions.")
            continue
        shown = " ".join(result.text.split())
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        first = f"{result.first_ms:.0f} ms" if result.first_ms is not None else "n/a"
        r.ok("stream", f"{model} answered {shown!r}: first token {first}, "
                       f"total {result.total_ms:.0f} ms")
