# expect: counts-weights
# kind: real-style
# about: mixed-precision accounting that also counts a copy of the weights as optimizer state
def optimizer_memory(num_params, optimizer, dtype):
    bytes_per = {"float64": 8, "float32": 4, "bfloat16": 2, "float16": 2}[dtype]
    master_copy = num_params * bytes_per
    moments = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}[optimizer]
    return master_copy + moments * num_params * bytes_per
