"""`python -m dynaprompt_tui` and the `dynaprompt-tui` command: see `dynaprompt_tui.cli`."""

import sys

from dynaprompt_tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
