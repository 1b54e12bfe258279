# expect: counts-weights, ignores-dtype
# kind: multi
# about: counts the weights too, always at 4 bytes
def optimizer_memory(num_params, optimizer, dtype):
    state = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}[optimizer]
    return 4 * num_params * (state + 1)
