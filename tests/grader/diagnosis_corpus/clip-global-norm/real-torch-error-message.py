# expect: raises-wrong-exception
# kind: real-style
# about: follows torch.nn.utils.clip_grad_norm_ down to its error, a RuntimeError
import numpy as np


def clip_global_norm(grads, max_norm):
    norm_type = 2.0
    norms = [np.linalg.norm(g.ravel(), norm_type) for g in grads]
    total_norm = np.linalg.norm(np.array(norms), norm_type)
    if np.logical_or(np.isnan(total_norm), np.isinf(total_norm)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped."
        )
    clip_coef = max_norm / (total_norm + 1e-6)
    clip_coef_clamped = np.clip(clip_coef, None, 1.0)
    return [g * clip_coef_clamped for g in grads], float(total_norm)
