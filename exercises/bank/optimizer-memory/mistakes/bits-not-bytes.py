"""Multiplies by the bits per element instead of the bytes."""

BUFFERS_PER_PARAMETER = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}
BITS_PER_ELEMENT = {"float64": 64, "float32": 32, "bfloat16": 16, "float16": 16}

HINT = (
    "Your answer is eight times too large: the number in a dtype's name counts bits. A float32 "
    "takes 32 bits, which is 4 bytes; bfloat16 and float16 take 2 bytes, float64 takes 8."
)


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * BUFFERS_PER_PARAMETER[optimizer] * BITS_PER_ELEMENT[dtype]
