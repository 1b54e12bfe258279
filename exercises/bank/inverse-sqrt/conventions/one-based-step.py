"""Uses the step itself as the Transformer's 1-based step_num, as fairseq and transformers do."""

import math

NOTE = (
    "The inverse-sqrt schedule of fairseq and of transformers' get_inverse_sqrt_schedule: "
    "warmup step / warmup_steps, then sqrt(warmup_steps / step). Called with the 0-based "
    "step it is the reference one step late: its step s is the reference's step s - 1."
)


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    return peak_lr * math.sqrt(warmup_steps / step)
