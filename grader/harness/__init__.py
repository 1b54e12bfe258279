"""Code that runs inside the sandbox.

Everything in this package is executed by the sandboxed interpreter, started as
a script from a read-only bind mount, so it imports only the standard library,
numpy and (for torch exercises) torch, and never anything else from the
project. It holds no expected values: it receives case inputs, runs the
program under test and streams raw traces back.
"""
