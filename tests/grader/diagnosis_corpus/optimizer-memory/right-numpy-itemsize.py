# expect: pass
# kind: right
# about: asks numpy for the element size (bfloat16, which numpy lacks, is taken as float16)
import numpy as np

STATE_BUFFERS = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}


def optimizer_memory(num_params, optimizer, dtype):
    name = "float16" if dtype == "bfloat16" else dtype
    return int(num_params) * STATE_BUFFERS[optimizer] * np.dtype(name).itemsize
