BUFFERS = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}
BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8}


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * BUFFERS[optimizer] * BYTES[dtype]
