# expect: counts-weights, bfloat16-as-float32
# kind: multi
# about: counts the weights too, and bfloat16 at 4 bytes
def optimizer_memory(num_params, optimizer, dtype):
    copies = 1 + {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}[optimizer]
    size = 2 if dtype == "float16" else 8 if dtype == "float64" else 4
    return num_params * copies * size
