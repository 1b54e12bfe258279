# One image for the web server and the Celery workers.
FROM debian:bookworm-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv bubblewrap util-linux ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN python3 -m venv /app/.venv \
 && /app/.venv/bin/pip install --no-cache-dir --upgrade pip \
 && /app/.venv/bin/pip install --no-cache-dir -r requirements.txt
COPY . .
ENV PATH="/app/.venv/bin:$PATH" PYTHONUNBUFFERED=1
RUN TRACELAB_DEBUG=1 python manage.py collectstatic --noinput -v 0
EXPOSE 8000
CMD ["gunicorn", "coursesite.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
