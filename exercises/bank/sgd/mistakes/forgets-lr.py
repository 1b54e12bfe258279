"""Subtracts the raw gradient without scaling it by the learning rate."""

import numpy as np

HINT = (
    "Your step has the size of the whole gradient: the learning rate never enters it. On a "
    "steep coordinate that overshoots wildly. The step is the gradient multiplied by lr."
)


def sgd_step(w, grad, lr):
    return w - grad
