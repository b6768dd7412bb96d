"""A Telegram Bot API emulator with simulated users, so kentbot can be tested and demonstrated
without Telegram or the internet."""

from devtools.emulator.client import EmulatorClient, SimulatedUser
from devtools.emulator.config import DEMO_TOKEN, EmulatorConfig
from devtools.emulator.server import create_app, start_emulator

__all__ = [
    "DEMO_TOKEN",
    "EmulatorClient",
    "EmulatorConfig",
    "SimulatedUser",
    "create_app",
    "start_emulator",
]
