"""``vc-lsp trust HOST``: allow the key in a variable to go to an endpoint an editor names."""

from __future__ import annotations

import argparse

from ..config.layers import SettingsStore, user_file
from ..config.trust import EndpointTrust
from .common import say


def run(args: argparse.Namespace) -> int:
    store = SettingsStore(user=user_file())
    trust = EndpointTrust(store.set_up)
    if not args.list:
        url = args.endpoint if "://" in args.endpoint else f"https://{args.endpoint}"
        env, where = trust.approve(args.api_key_env, url)
        say(f"trusted: the key in {env} may go to {where}")
    say(f"set up outside the editor: {store.set_up[0]} -> {store.set_up[1]}")
    for env, where in sorted(trust.approved()):
        say(f"trusted ({trust.path}): {env} -> {where}")
    return 0
