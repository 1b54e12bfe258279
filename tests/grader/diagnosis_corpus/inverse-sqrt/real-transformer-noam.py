# expect: pass
# kind: real-style
# about: the Transformer paper's form, scale * min(n**-0.5, n * warmup**-1.5), scaled to peak_lr
def inverse_sqrt(step, warmup_steps, peak_lr):
    n = step + 1
    scale = peak_lr * warmup_steps**0.5
    return scale * min(n**-0.5, n * warmup_steps**-1.5)
