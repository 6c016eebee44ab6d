import os
import sys

from .cli import main

try:
    sys.exit(main())
except BrokenPipeError:
    # The reader closed the pipe (`| head`): nothing more to say, and no traceback.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
