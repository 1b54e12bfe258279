def clip_global_norm(grads, max_norm):
    """Return (clipped_grads, total_norm); raise ValueError for a non-finite norm."""
    return grads, 0.0
