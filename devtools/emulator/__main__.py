"""`python -m devtools.emulator`: serve the emulator for `make demo` or a municipality's trial run.

The first line printed is the URL (the demo and the tests read it); the next names the tokens
it accepts, so a bot can be pointed at it by hand."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal

from devtools.emulator.config import DEMO_TOKEN, EmulatorConfig
from devtools.emulator.server import start_emulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devtools.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--token",
        action="append",
        help="a valid bot token; repeat for more (default: $TELEGRAM_BOT_TOKEN, else the demo token)",
    )
    parser.add_argument("--rate", type=int, default=30, help="sends per second overall, 0 = off")
    parser.add_argument(
        "--per-chat", type=int, default=1, help="sends per second per chat, 0 = off"
    )
    parser.add_argument("--burst", type=int, default=3, help="sends a chat may take at once")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    tokens = args.token or [os.environ.get("TELEGRAM_BOT_TOKEN") or DEMO_TOKEN]
    config = EmulatorConfig(
        tokens=tuple(tokens),
        global_rate=args.rate,
        per_chat_rate=args.per_chat,
        per_chat_burst=args.burst,
    )
    runner, url = await start_emulator(args.host, args.port, config)
    print(url, flush=True)
    print(f"TELEGRAM_API_BASE_URL={url} TELEGRAM_BOT_TOKEN={tokens[0]}", flush=True)
    for other in tokens[1:]:
        print(f"also accepted: TELEGRAM_BOT_TOKEN={other}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
