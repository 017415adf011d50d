"""The feature services, built once the initialize answer is out (``VcServer.start_features``).

Their modules (prompts, context indexes, cleanup, httpx) cost about 200 ms to import, and the
initialize answer needs none of them: capabilities come from the handlers, settings from the
store. So they are imported and wired here, when the ``initialized`` notification arrives or
when anything first asks for one of them (a client that sends requests or ``didOpen`` without
waiting), with the settings current at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pygls.lsp.server import LanguageServer

from .actions.editor import Editor
from .actions.service import ActionService
from .config import Settings
from .context import ContextService
from .feature import Feature
from .inline.service import InlineCompleter
from .nes import NextEditService
from .notify import Notifier
from .status.service import StatusService
from .upstream.client import UpstreamClient
from .usage.acceptance import Acceptance
from .usage.ledger import Ledger
from .work import Work


@dataclass(frozen=True, slots=True)
class Services:
    upstream: UpstreamClient
    context: ContextService
    inline: InlineCompleter
    actions: ActionService
    nes: NextEditService
    usage: Ledger
    acceptance: Acceptance
    status: StatusService
    features: list[Feature]  # in the order their hooks run


def build(server: LanguageServer, settings: Settings, work: Work, notifier: Notifier,
          editor: Editor, *, roots: Callable[[], list[str]],
          key_allowed: Callable[[Settings], bool]) -> Services:
    """Make every service, wired to the others, in the order their hooks must run."""
    upstream = UpstreamClient(settings, key_allowed=key_allowed)
    context = ContextService(settings, roots, work=work)
    inline = InlineCompleter(upstream, work, notifier, context=context)
    actions = ActionService(server, upstream, work, notifier, context=context, editor=editor)
    nes = NextEditService(upstream, work, notifier, context, settings, stats=inline.stats)
    inline.next_edit = nes.inline_items
    # What the user is told (status, why an answer was empty) and what it cost (the usage
    # ledger): both watch every upstream call.
    usage = Ledger(work)
    acceptance = Acceptance(usage)
    status = StatusService(server, work, usage, acceptance, context=context, completions=inline)
    upstream.observe(status)
    upstream.observe(usage)
    # Order matters: the actions see a change before the context's edit history does, so
    # they can mark their own edit's echo as not the user's; a prediction starts from the
    # edit history's view of the change; the ledger goes last, so that its shutdown writes
    # what the others recorded while they ended.
    features: list[Feature] = [inline, actions, context, nes, status, usage]
    return Services(upstream, context, inline, actions, nes, usage, acceptance, status, features)
