#!/usr/bin/env bash
# Installs a Berth agent on this Debian/Ubuntu host and joins it to a control plane.
#   infra/install-agent.sh --control-plane https://berth.example --join-token TOKEN
# Run as root from a checkout of Berth (the control plane's "Add host" page prints this line).
set -euo pipefail
control_plane="" join_token=""
while [ $# -gt 0 ]; do
  case "$1" in
    --control-plane) control_plane="$2"; shift 2 ;;
    --join-token) join_token="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$control_plane" ] && [ -n "$join_token" ] || { echo "usage: $0 --control-plane URL --join-token TOKEN" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root: the agent is the container engine" >&2; exit 1; }

src="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$src" != /opt/berth ]; then
  mkdir -p /opt/berth
  cp -a "$src/." /opt/berth/
fi
bash /opt/berth/scripts/ensure-installed.sh
mkdir -p /etc/berth
umask 077
printf 'BERTH_CONTROL_PLANE=%s\nBERTH_JOIN_TOKEN=%s\n' "$control_plane" "$join_token" > /etc/berth/agent.env
install -m 0644 /opt/berth/infra/systemd/berth-agent.service /etc/systemd/system/berth-agent.service
systemctl daemon-reload
systemctl enable --now berth-agent
echo "berth: agent installed; it joins $control_plane and appears on the Hosts page."
