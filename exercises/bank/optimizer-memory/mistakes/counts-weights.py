"""Counts the weights themselves as part of the optimizer's state."""

BUFFERS_PER_PARAMETER = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}
BYTES_PER_ELEMENT = {"float64": 8, "float32": 4, "bfloat16": 2, "float16": 2}

HINT = (
    "Your count includes one copy of the weights. The weights exist whatever optimizer you pick; "
    "count only the buffers the optimizer adds: none for SGD, one for momentum, two for Adam "
    "and AdamW."
)


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * (BUFFERS_PER_PARAMETER[optimizer] + 1) * BYTES_PER_ELEMENT[dtype]
