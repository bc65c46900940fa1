#!/bin/sh
# The container's jobs (deploy/compose.yaml picks one per service):
#   app     bring the schema to the head (advisory-locked: replicas starting together wait for each
#           other), then serve the dashboard and /healthz on port 8501 (serve.py runs dashboard.py)
#   notify  the notification worker: alerts, reminders, digests (one is enough)
#   backup  a backup into /backups now and then every FASCIA_BACKUP_EVERY_SECONDS (a day), keeping
#           the newest FASCIA_BACKUP_KEEP (14)
# Anything else runs as given, e.g. `docker compose run --rm app1 python -m data setup-token`.
set -eu

case "${1:-app}" in
app)
    python -m data init
    exec python -m streamlit run serve.py --server.address 0.0.0.0 --server.port 8501
    ;;
notify)
    exec python -m data notify
    ;;
backup)
    # As the container's first process, sh ignores `docker stop`'s SIGTERM unless told; the sleep runs in
    # the background so that the signal is handled at once, not after a day.
    trap 'exit 0' TERM INT
    while true; do
        python -m data backup /backups --keep "${FASCIA_BACKUP_KEEP:-14}" || echo "error: the backup failed" >&2
        sleep "${FASCIA_BACKUP_EVERY_SECONDS:-86400}" &
        wait $!
    done
    ;;
*)
    exec "$@"
    ;;
esac
