# expect: pass
# kind: right
# about: reads the bit width from the dtype's name and divides by 8
def optimizer_memory(num_params, optimizer, dtype):
    bits = int(dtype.removeprefix("b").removeprefix("float"))
    buffers = {"sgd": 0, "momentum": 1}.get(optimizer, 2)
    return num_params * buffers * (bits // 8)
