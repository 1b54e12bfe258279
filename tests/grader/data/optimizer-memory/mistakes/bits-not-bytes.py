"""Counts bits instead of bytes."""

HINT = "float32 takes 4 bytes (32 bits): the answer is in bytes."

BUFFERS = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}
BITS = {"float16": 16, "bfloat16": 16, "float32": 32, "float64": 64}


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * BUFFERS[optimizer] * BITS[dtype]
