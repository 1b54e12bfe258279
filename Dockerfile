# One image for the web server, Celery beat and the Celery workers.
#
#   docker build -t tracelab:latest .          # torch: the CPU build (the default)
#   docker build -t tracelab-gpu:latest \
#     --build-arg TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128 .   # for worker-gpu
#
# Offline (no registry, no PyTorch index) tools/containers.sh builds it with podman from a
# local base image, mounting the machine's own wheels and index into the build.
#
# Layers, slowest and least often changed first: Debian packages; torch, whose layer
# depends only on torch's pin in requirements.txt; the other requirements; the code.
FROM debian:bookworm-slim AS base
LABEL org.opencontainers.image.vendor=TraceLab
# bubblewrap: the sandbox; util-linux: setpriv, with which a worker run as root drops
# each sandbox to a uid of its own.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv bubblewrap util-linux ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# torch's line alone: its layer below is rebuilt only when that line changes.
FROM base AS pins
COPY requirements.txt /pins/requirements.txt
RUN grep -E '^torch[=<>~ ]' /pins/requirements.txt >/pins/torch.txt

FROM base
WORKDIR /app
ENV PATH="/app/.venv/bin:$PATH" PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
# Where torch and its dependencies come from. PyPI's torch for Linux is the CUDA build
# (gigabytes of libraries a CPU worker never loads), so the default is PyTorch's CPU
# index; an image for the GPU worker names a CUDA index instead.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# A directory of wheels mounted into the build (`podman build -v DIR:DIR:ro`), searched
# before the indexes: for builds without access to PyTorch's index.
ARG WHEELS=
# A CA bundle for pip to trust while building, mounted the same way: for a network that
# reaches PyPI through a TLS-inspecting proxy. Only its path is recorded; the image's
# own trust store is Debian's.
ARG PIP_CERT=
COPY --from=pins /pins/torch.txt /tmp/torch.txt
RUN python3 -m venv /app/.venv \
 && pip install --no-cache-dir --index-url "$TORCH_INDEX_URL" ${WHEELS:+--find-links "$WHEELS"} \
      -r /tmp/torch.txt \
 && rm /tmp/torch.txt
COPY requirements.txt .
RUN pip install --no-cache-dir ${WHEELS:+--find-links "$WHEELS"} -r requirements.txt

# The code belongs to root and is read-only to the user the services run as.
COPY . .
# Static files are collected at build time with a throwaway key (settings require one
# outside debug mode); the real TRACELAB_SECRET_KEY comes only from the environment
# at run time and is never written into the image. The code is compiled now: the root
# filesystem is read-only at run time, where no process could keep what it compiles.
RUN TRACELAB_SECRET_KEY="$(head -c 32 /dev/urandom | base64)" \
      python manage.py collectstatic --noinput -v 0 \
 && python -m compileall -q -j 0 coursesite exercises grader \
 && mkdir -p /app/var \
 && useradd --uid 10001 --user-group --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin tracelab
# Every service runs as this user. A worker's sandboxes then get a user namespace of
# their own from bubblewrap (docker-compose.yml says what the container must allow).
USER tracelab
EXPOSE 8000
# gunicorn's control socket (by default under a home directory the service user does not
# have) is not used in a container.
# gunicorn.conf.py: uvicorn's ASGI workers, one per core (TRACELAB_WEB_WORKERS).
CMD ["gunicorn", "coursesite.asgi:application", "--bind", "0.0.0.0:8000", "--no-control-socket"]
