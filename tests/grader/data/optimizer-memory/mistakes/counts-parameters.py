"""Counts the parameters themselves as optimizer state."""

HINT = "Only the optimizer's own buffers count: the parameters exist without it."

BUFFERS = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}
BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8}


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * (BUFFERS[optimizer] + 1) * BYTES[dtype]
