#!/bin/bash
# docker-entrypoint-initdb.d: runs once, as the superuser, when the data volume is empty.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner_password="$IOP_DB_OWNER_PASSWORD" -v app_password="$IOP_DB_PASSWORD" \
    -f /iop/roles.sql
