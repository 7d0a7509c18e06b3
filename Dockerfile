# The portal's image: web (gunicorn), Celery worker and Celery beat all run from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 portal \
    && mkdir -p /data/media && chown portal /data/media
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Build-time values only: collectstatic and compilemessages need settings to load.
RUN DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=build python manage.py compilemessages \
    && DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput
USER portal
EXPOSE 8000
CMD ["sh", "-c", "exec gunicorn mountainpartnership.wsgi:application --bind 0.0.0.0:8000 --workers $(( 2 * $(nproc) + 1 ))"]
