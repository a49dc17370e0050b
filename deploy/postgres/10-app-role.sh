#!/bin/bash
# Runs once, when the compose PostgreSQL initialises an empty data directory: creates the role the
# API and the worker connect as. It may read and write rows, and nothing else: the tables belong
# to the owner that the migrate service (and the seed) connect as, and every table and sequence
# the owner creates later is shared with the role through default privileges.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_role="${APP_DB_USER:-exam_app}" -v app_password="$APP_DB_PASSWORD" -v db="$POSTGRES_DB" -v owner="$POSTGRES_USER" <<'SQL'
CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password';
GRANT CONNECT ON DATABASE :"db" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
SQL
