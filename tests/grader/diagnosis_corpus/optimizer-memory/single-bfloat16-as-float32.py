# expect: bfloat16-as-float32
# kind: single
# about: if/elif chains where only float16 gets 2 bytes
def optimizer_memory(num_params, optimizer, dtype):
    if optimizer == "sgd":
        buffers = 0
    elif optimizer == "momentum":
        buffers = 1
    else:
        buffers = 2
    if dtype == "float64":
        size = 8
    elif dtype == "float16":
        size = 2
    else:
        size = 4
    return num_params * buffers * size
