import sys

try:  # Ctrl-C while the modules load is one line too, not a traceback
    from .main import main

    status = main()
except KeyboardInterrupt:
    sys.stderr.write("interrupted\n")
    status = 130
sys.exit(status)
