# expect: bits-not-bytes
# kind: single
# about: reads the bit width from the dtype's name and uses it as bytes
def optimizer_memory(num_params, optimizer, dtype):
    bits = int(dtype.removeprefix("b").removeprefix("float"))
    buffers = {"sgd": 0, "momentum": 1}.get(optimizer, 2)
    return num_params * buffers * bits
