# expect: one-buffer-for-adam, bfloat16-as-float32
# kind: multi
# about: one buffer for Adam, and bfloat16 counted at 4 bytes
BUFFERS = {"sgd": 0, "momentum": 1, "adam": 1, "adamw": 1}
SIZES = {"float64": 8, "float32": 4, "bfloat16": 4, "float16": 2}


def optimizer_memory(num_params, optimizer, dtype):
    return num_params * BUFFERS[optimizer] * SIZES[dtype]
