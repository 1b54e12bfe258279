# expect: forgets-buffer
# kind: single
# about: an EMA helper whose result moves w but is never returned
def ema(previous, sample, decay):
    return decay * previous + (1.0 - decay) * sample


def momentum_step(w, grad, m, lr, beta=0.9):
    average = ema(m, grad, beta)
    w = w - lr * average
    return w, m
