"""Counts bfloat16 as 4 bytes, because it has float32's range."""

BUFFERS_PER_PARAMETER = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}
BYTES_PER_ELEMENT = {"float64": 8, "float32": 4, "bfloat16": 4, "float16": 2}

HINT = (
    "bfloat16 keeps float32's 8 exponent bits, so it has the same range, but it drops most of "
    "the mantissa: it is a 16-bit format and takes 2 bytes per element, like float16."
)


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * BUFFERS_PER_PARAMETER[optimizer] * BYTES_PER_ELEMENT[dtype]
