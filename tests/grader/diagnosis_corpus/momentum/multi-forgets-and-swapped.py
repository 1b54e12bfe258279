# expect: forgets-buffer, swapped-coefficients
# kind: multi
# about: keeps the new buffer in a dict but returns the old one, and the blend's weights are swapped
def momentum_step(w, grad, m, lr, beta=0.9):
    state = {"m": m}
    state["next"] = (1.0 - beta) * m + beta * grad
    w = w - lr * state["next"]
    return w, state["m"]
