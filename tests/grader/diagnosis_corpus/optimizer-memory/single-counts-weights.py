# expect: counts-weights
# kind: single
# about: match statements, with the weights listed among the buffers
def buffers_for(optimizer):
    match optimizer:
        case "adam" | "adamw":
            return ["param", "exp_avg", "exp_avg_sq"]
        case "momentum":
            return ["param", "momentum_buffer"]
        case _:
            return ["param"]


def optimizer_memory(num_params, optimizer, dtype):
    size = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}[dtype]
    return len(buffers_for(optimizer)) * num_params * size
