"""Always counts 4 bytes per element, whatever the dtype."""

BUFFERS_PER_PARAMETER = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}

HINT = (
    "You count 4 bytes per element for every dtype. That holds only for float32: float64 takes "
    "8 bytes, bfloat16 and float16 take 2. Look the size up from the dtype argument."
)


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * BUFFERS_PER_PARAMETER[optimizer] * 4
