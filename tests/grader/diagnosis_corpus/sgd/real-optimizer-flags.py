# expect: pass
# kind: real-style
# about: an optimizer's step with weight decay, momentum and maximize options, all off by default
def sgd_step(w, grad, lr, weight_decay=0.0, momentum=0.0, maximize=False):
    d_p = -grad if maximize else grad
    if weight_decay != 0:
        d_p = d_p + weight_decay * w
    if momentum != 0:
        raise NotImplementedError("a momentum buffer needs state between calls")
    return w - lr * d_p
