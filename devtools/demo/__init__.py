"""`kentbot-demo` (`python -m devtools.demo`): the emulator, the real bot process, simulated citizens, the indicators."""

from devtools.demo.runner import run_demo

__all__ = ["run_demo"]
