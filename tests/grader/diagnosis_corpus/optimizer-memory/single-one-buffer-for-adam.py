# expect: one-buffer-for-adam
# kind: single
# about: counts a buffer for any optimizer other than plain SGD
import numpy as np


def optimizer_memory(num_params, optimizer, dtype):
    buffers = 0 if optimizer == "sgd" else 1
    name = "float16" if dtype == "bfloat16" else dtype
    return num_params * buffers * np.dtype(name).itemsize
