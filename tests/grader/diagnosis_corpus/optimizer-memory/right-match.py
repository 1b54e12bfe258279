# expect: pass
# kind: right
# about: match statements, and the buffers counted by name
def buffers_for(optimizer):
    match optimizer:
        case "adam" | "adamw":
            return ["exp_avg", "exp_avg_sq"]
        case "momentum":
            return ["momentum_buffer"]
        case _:
            return []


def bytes_per_element(dtype):
    match dtype:
        case "float64":
            return 8
        case "float32":
            return 4
        case "float16" | "bfloat16":
            return 2
    raise ValueError(dtype)


def optimizer_memory(num_params, optimizer, dtype):
    return len(buffers_for(optimizer)) * num_params * bytes_per_element(dtype)
