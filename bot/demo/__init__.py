"""`kentbot demo`: the emulator, the real bot process, simulated citizens, the indicators."""

from bot.demo.runner import run_demo

__all__ = ["run_demo"]
