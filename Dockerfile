# Fascia's image: the dashboard (with /healthz), the notification worker and the backup job.
# Built and run by deploy/compose.yaml; docs/DEPLOY.md walks through it.
#
# bookworm: its postgresql-client is 15, the same major version as the compose file's postgres:15
# (pg_dump refuses a server newer than itself; data/backup.py picks the client tool).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none

RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin fascia \
    && mkdir -p /backups /data \
    && chown fascia:fascia /backups /data

WORKDIR /app

# The runtime lock only (exact versions with hashes); the dev lock's test tools stay out of the image.
COPY requirements.lock ./
RUN python -m pip install --require-hashes -r requirements.lock

# The code belongs to root and is read-only for the app's user, so its bytecode is compiled here, once:
# the app's user cannot write __pycache__, so without this every process would compile Fascia's modules
# again on start. pip has already compiled the packages.
COPY . .
RUN chmod 0755 deploy/entrypoint.sh \
    && python -m compileall -q -j 0 /app

USER fascia
EXPOSE 8501

# Not only "is the process alive": the app serves /healthz, which says whether the database answers and
# its schema is at the code's head (deploy/healthcheck.py; the worker and backup jobs override it).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]

ENTRYPOINT ["deploy/entrypoint.sh"]
CMD ["app"]
