# expect: pass
# kind: right
# about: if/elif chains for the buffer count and the element size
def optimizer_memory(num_params, optimizer, dtype):
    if optimizer == "sgd":
        buffers = 0
    elif optimizer == "momentum":
        buffers = 1
    else:
        buffers = 2
    if dtype == "float64":
        size = 8
    elif dtype == "float32":
        size = 4
    else:
        size = 2
    return num_params * buffers * size
