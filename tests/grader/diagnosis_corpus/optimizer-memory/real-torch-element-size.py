# expect: pass
# kind: real-style
# about: asks torch for each dtype's element size, as a memory estimator built on torch would
import torch

STATE_KEYS = {"sgd": (), "momentum": ("momentum_buffer",), "adam": ("exp_avg", "exp_avg_sq")}


def optimizer_memory(num_params, optimizer, dtype):
    keys = STATE_KEYS["adam" if optimizer == "adamw" else optimizer]
    element_size = torch.empty(0, dtype=getattr(torch, dtype)).element_size()
    return num_params * len(keys) * element_size
