# Production image: gunicorn serves the portal; the same image runs migrations and the
# Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 buurtkracht \
 && useradd --system --uid 10001 --gid buurtkracht --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin buurtkracht

WORKDIR /app

# Runtime requirements only; the dev/test tooling stays out of the image.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root, so the app user cannot change it; only .data (private
# uploads, beat schedule) is writable. Named volumes mounted there copy that ownership.
COPY . .
# Settings refuse to import without these; the values exist only for this build step.
RUN DJANGO_SECRET_KEY=build-only-collectstatic \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build-only@localhost:5432/unused \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/.data/private \
 && chown -R buurtkracht:buurtkracht /app/.data

USER buurtkracht

EXPOSE 8000

CMD ["gunicorn", "socialdomain.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--worker-class", "sync", "--access-logfile", "-"]
