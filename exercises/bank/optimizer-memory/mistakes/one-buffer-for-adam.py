"""Gives Adam and AdamW a single buffer, as if they were momentum."""

BUFFERS_PER_PARAMETER = {"sgd": 0, "momentum": 1, "adam": 1, "adamw": 1}
BYTES_PER_ELEMENT = {"float64": 8, "float32": 4, "bfloat16": 2, "float16": 2}

HINT = (
    "Adam and AdamW keep two buffers per parameter, not one: the average gradient m and the "
    "average squared gradient v. Their state is twice that of momentum."
)


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * BUFFERS_PER_PARAMETER[optimizer] * BYTES_PER_ELEMENT[dtype]
