# expect: no-bias-correction
# kind: single
# about: a coordinate loop that steps with the raw moments
import math


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    w, m, v = w.copy(), m.copy(), v.copy()
    for i in range(len(w)):
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i]
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] ** 2
        w[i] = w[i] - lr * m[i] / (math.sqrt(v[i]) + eps) - lr * weight_decay * w[i]
    return w, m, v
