# Prepended: MARKER = "<argv[0] the host looks for with pgrep -f>"
# The classic double fork: the grandchild leaves the job's session and tries to live on.
import os
import signal
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        os.execv("/bin/sleep", [MARKER, "300"])
    os._exit(0)
time.sleep(0.2)
print("daemon started")
