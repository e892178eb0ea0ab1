#!/usr/bin/env bash
# One command: install everything, then run Tandem on its embedded store (local mode, demo programme)
# with the Microsoft 365 Agents Playground as the local Teams client. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh runtime

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
bot_port="${TANDEM_PORT:-3978}"; port_in_use "$bot_port" && bot_port="$(free_port)"
playground_port="${PLAYGROUND_PORT:-56150}"; port_in_use "$playground_port" && playground_port="$(free_port)"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

# Local mode keeps no serviceUrl from the (unauthenticated) Playground; proactive messages go here instead.
TANDEM_LOCAL_SERVICE_URL="http://127.0.0.1:${playground_port}/_connector" \
  .venv/bin/python app.py --local --demo --port "$bot_port" &
pids+=($!)
for _ in $(seq 1 100); do
  port_in_use "$bot_port" && break
  sleep 0.1
done

# The Playground must not open a browser or send telemetry (this network reaches nothing outside).
mkdir -p .tandem/playground
cp infra/playground.yml .tandem/playground/.m365agentsplayground.yml  # the bot is shown as Tandem
(cd .tandem/playground && TEAMSAPPTESTER_BROWSER=none APPLICATION_INSIGHTS_NO_STATSBEAT=1 \
  node ../../node_modules/@microsoft/m365agentsplayground/cli.js \
    --app-endpoint "http://127.0.0.1:${bot_port}/api/messages" --channel-id msteams \
    --port "$playground_port" --disable-telemetry) &
pids+=($!)

echo
echo "Tandem is running on http://127.0.0.1:${bot_port}/api/messages (local mode, demo programme)."
echo "Open the Agents Playground: http://127.0.0.1:${playground_port}"
echo "You are Alex Wilber: say 'help'. Playground errors are logged in .tandem/playground/devTools/m365agentsplayground.log"
wait -n "${pids[@]}"
