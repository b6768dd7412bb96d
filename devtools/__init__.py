"""kentbot's development tools, kept out of the production package: the Bot API emulator
(`devtools.emulator`) and the demo (`devtools.demo`). Installed with `pip install -e ./devtools`."""
