# expect: pass
# kind: real-style
# about: laid out like torch.nn.utils.clip_grad_norm_: norm of per-tensor norms, clamped coefficient
import numpy as np


def clip_global_norm(grads, max_norm, norm_type=2.0, error_if_nonfinite=True):
    norms = [np.linalg.norm(g.ravel(), norm_type) for g in grads]
    total_norm = np.linalg.norm(np.array(norms), norm_type)
    if error_if_nonfinite and (np.isnan(total_norm) or np.isinf(total_norm)):
        raise ValueError(
            f"The total norm of order {norm_type} for gradients is non-finite, "
            "so it cannot be clipped."
        )
    clip_coef = max_norm / (total_norm + 1e-6)
    clip_coef_clamped = min(clip_coef, 1.0)
    for g in grads:
        g *= clip_coef_clamped
    return grads, float(total_norm)
