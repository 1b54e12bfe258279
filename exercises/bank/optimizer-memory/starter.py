def optimizer_memory(num_params, optimizer, dtype):
    """Bytes of optimizer state (no weights, no gradients) for num_params parameters.

    optimizer is "sgd", "momentum", "adam" or "adamw";
    dtype is "float64", "float32", "bfloat16" or "float16".
    """
    # how many buffers of num_params elements does the optimizer keep,
    # and how many bytes does one element of dtype take?
    return 0
