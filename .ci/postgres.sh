#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on a local port and print its DATABASE_URL.
# Usage: eval "$(bash .ci/postgres.sh DIR [PORT])"
set -euo pipefail
dir=${1:?data directory}
port=${2:-54329}
bin=""
for candidate in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent)")" /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bin=$candidate; break; fi
done
[ -n "$bin" ] || { echo "echo 'PostgreSQL server binaries not found' >&2; exit 1"; exit 1; }
runas=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  runas=(runuser -u postgres --)
fi
mkdir -p "$dir"
chown -R "$(if [ ${#runas[@]} -gt 0 ]; then echo postgres; else id -un; fi)" "$dir"
"${runas[@]}" "$bin/initdb" -D "$dir/data" -U saferplaces --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
"${runas[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
echo "export DATABASE_URL=postgres://saferplaces@127.0.0.1:$port/postgres"
echo "export SAFERPLACES_PG_CTL='${runas[*]} $bin/pg_ctl -D $dir/data'"
