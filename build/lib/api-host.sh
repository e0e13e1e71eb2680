# shellcheck shell=bash
# Starts the BUILT API (no build here) on a free loopback port with a throwaway SQLite database,
# for the scripts that look at the running API from outside (OpenAPI lint, Swagger UI in a browser).
#
#   source build/lib/api-host.sh
#   api_start                 sets API_URL (http://127.0.0.1:PORT), API_ADMIN_KEY, API_DIR
#   api_stop                  stops it and deletes API_DIR (also safe to call twice)
#
# Environment: IOP_TEST_CONFIGURATION (default Release) picks src/IopPlatform.Api/bin/<Config>/net10.0.

API_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
API_PID=""
API_DIR=""
API_URL=""
API_ADMIN_KEY=""

api_start() {
  local config="${IOP_TEST_CONFIGURATION:-Release}"
  local dll="$API_ROOT/src/IopPlatform.Api/bin/$config/net10.0/IopPlatform.Api.dll"
  if [[ ! -f "$dll" ]]; then
    echo "api-host: $dll not found: build the solution first (dotnet build -c $config)" >&2
    return 1
  fi
  API_DIR="$(mktemp -d -t iop-api.XXXXXX)"
  # 32 random bytes, base64url: the shape Auth:BootstrapAdminKey asks for.
  : >"$API_DIR/api.log"
  API_ADMIN_KEY="iop_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  (
    cd "$API_DIR" || exit 1
    exec env ASPNETCORE_ENVIRONMENT=Development \
      DOTNET_NOLOGO=1 \
      ConnectionStrings__Iop="Data Source=$API_DIR/iop.db" \
      Database__Engine=Sqlite \
      Auth__BootstrapAdminKey="$API_ADMIN_KEY" \
      Hangfire__ServerEnabled=false \
      Logging__LogLevel__Default=Warning \
      Logging__LogLevel__Microsoft.Hosting.Lifetime=Information \
      dotnet "$dll" --urls "http://127.0.0.1:0" >"$API_DIR/api.log" 2>&1
  ) &
  API_PID=$!
  local i
  for ((i = 0; i < 600; i++)); do
    API_URL="$(sed -n 's/.*Now listening on: \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$API_DIR/api.log" | head -n 1 || true)"
    if [[ -n "$API_URL" ]] && curl -fsS -o /dev/null "$API_URL/health/live" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$API_PID" 2>/dev/null; then
      echo "api-host: the API exited during start-up:" >&2
      sed 's/^/    /' "$API_DIR/api.log" >&2
      API_PID=""
      return 1
    fi
    sleep 0.2
  done
  echo "api-host: the API did not answer within 120 s:" >&2
  sed 's/^/    /' "$API_DIR/api.log" >&2
  return 1
}

api_stop() {
  if [[ -n "$API_PID" ]]; then
    kill "$API_PID" 2>/dev/null || true
    wait "$API_PID" 2>/dev/null || true
    API_PID=""
  fi
  if [[ -n "$API_DIR" && -d "$API_DIR" ]]; then
    rm -rf "$API_DIR"
  fi
  API_DIR=""
}
