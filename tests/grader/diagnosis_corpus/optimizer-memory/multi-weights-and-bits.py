# expect: counts-weights, bits-not-bytes
# kind: multi
# about: counts the weights too, and multiplies by bits
BUFFERS = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}
BITS = {"float64": 64, "float32": 32, "bfloat16": 16, "float16": 16}


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * (BUFFERS[optimizer] + 1) * BITS[dtype]
