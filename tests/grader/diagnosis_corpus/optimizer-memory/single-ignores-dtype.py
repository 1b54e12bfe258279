# expect: ignores-dtype
# kind: single
# about: assumes float32 everywhere
FLOAT32_BYTES = 4


def optimizer_memory(num_params, optimizer, dtype):
    buffers = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}[optimizer]
    return num_params * buffers * FLOAT32_BYTES
