def optimizer_memory(num_params, optimizer, dtype):
    """Bytes of optimizer state for `num_params` parameters."""
    return 0
