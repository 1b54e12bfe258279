# expect: one-buffer-for-adam, ignores-dtype
# kind: multi
# about: one buffer for every stateful optimizer, always 4 bytes
def optimizer_memory(num_params, optimizer, dtype):
    return num_params * (0 if optimizer == "sgd" else 1) * 4
