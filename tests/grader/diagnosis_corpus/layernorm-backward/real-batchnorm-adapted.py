# expect: normalises-over-batch
# kind: real-style
# about: a batch-norm forward and backward from course notes, renamed, still reducing over the batch
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    N, D = x.shape
    sample_mean = np.mean(x, axis=0)
    sample_var = np.var(x, axis=0)
    x_norm = (x - sample_mean) / np.sqrt(sample_var + eps)
    out = gamma * x_norm + beta

    dbeta = np.sum(dy, axis=0)
    dgamma = np.sum(x_norm * dy, axis=0)
    dx_norm = dy * gamma
    dvar = np.sum(dx_norm * (x - sample_mean), axis=0) * -0.5 * (sample_var + eps) ** -1.5
    dmean = np.sum(-dx_norm / np.sqrt(sample_var + eps), axis=0) + dvar * np.mean(
        -2.0 * (x - sample_mean), axis=0
    )
    dx = dx_norm / np.sqrt(sample_var + eps) + dvar * 2.0 * (x - sample_mean) / N + dmean / N
    return out, dx, dgamma, dbeta
