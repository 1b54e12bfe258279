# Prepended: FOLDER = "<where to write>", MARKER = "<name the host watches for>"
import os

path = os.path.join(FOLDER, MARKER)
attempts = {
    "open": lambda: open(path, "w").write("escaped"),
    "mkdir": lambda: os.mkdir(path + "-dir"),
    "symlink": lambda: os.symlink("/tmp", path + "-link"),
    "mknod-fifo": lambda: os.mkfifo(path + "-fifo"),
    "link": lambda: os.link("/usr/bin/env", path + "-hard"),
}
for name, attempt in attempts.items():
    try:
        attempt()
        print("WROTE", name, path)
    except OSError as exc:
        print("refused", name, type(exc).__name__)
