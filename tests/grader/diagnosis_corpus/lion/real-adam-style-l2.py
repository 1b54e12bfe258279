# expect: coupled-decay
# kind: real-style
# about: weight decay handled as in torch.optim.Adam, grad.add(p, alpha=weight_decay)
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    if weight_decay != 0:
        grad = grad + weight_decay * w
    update = beta1 * m + (1.0 - beta1) * grad
    update = np.sign(update)
    w = w - lr * update
    exp_avg = beta2 * m + (1.0 - beta2) * grad
    return w, exp_avg
