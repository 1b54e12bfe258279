BUFFERS_PER_PARAMETER = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}
BYTES_PER_ELEMENT = {"float64": 8, "float32": 4, "bfloat16": 2, "float16": 2}


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * BUFFERS_PER_PARAMETER[optimizer] * BYTES_PER_ELEMENT[dtype]
