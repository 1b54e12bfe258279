"""Returns the step itself rather than the updated parameters."""

import numpy as np

HINT = (
    "You return the change to apply, not the parameters after applying it. The grader feeds "
    "whatever you return back in as the next w, so return the old w minus the step."
)


def sgd_step(w, grad, lr):
    return -lr * grad
