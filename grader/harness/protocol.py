"""Length-prefixed JSON frames, shared by the supervisor and the sandbox.

A frame is a 4-byte big-endian length followed by that many bytes of UTF-8
JSON. JSON (never pickle) keeps the sandbox's output inert data; NaN and
infinities are allowed because a wrong optimizer produces them legitimately.
"""

from __future__ import annotations

import json
import struct

HEADER = struct.Struct(">I")


class FrameError(ValueError):
    """A frame that is truncated, oversized or not valid JSON."""


def encode(obj: object) -> bytes:
    body = json.dumps(obj, separators=(",", ":")).encode("utf-8")
    return HEADER.pack(len(body)) + body


def decode_stream(data: bytes, *, max_frame: int) -> list[object]:
    """Split `data` into decoded frames; reject anything malformed."""
    frames: list[object] = []
    pos = 0
    while pos < len(data):
        if len(data) - pos < HEADER.size:
            raise FrameError("truncated frame header")
        (size,) = HEADER.unpack_from(data, pos)
        pos += HEADER.size
        if size > max_frame:
            raise FrameError(f"frame of {size} bytes exceeds {max_frame}")
        if len(data) - pos < size:
            raise FrameError("truncated frame body")
        try:
            frames.append(json.loads(data[pos : pos + size].decode("utf-8")))
        except (ValueError, RecursionError) as exc:
            # ValueError covers bad UTF-8, bad JSON and integers past Python's
            # digit limit; RecursionError, arrays nested deeper than the parser
            # goes. Both come from bytes a program can write, so they are a
            # malformed frame, never an exception in the supervisor.
            raise FrameError(f"frame is not JSON: {str(exc)[:200]}") from None
        pos += size
    return frames


def write_frame(fd: int, obj: object) -> None:
    import os

    view = memoryview(encode(obj))
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exact(sock, size: int) -> bytes:
    chunks = []
    remaining = size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
