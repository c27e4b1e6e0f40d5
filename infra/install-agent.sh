#!/usr/bin/env bash
# Installs a Berth agent on this Debian/Ubuntu host and joins it to a control plane.
#   infra/install-agent.sh --control-plane https://berth.example --join-token TOKEN
# Run as root from a checkout of Berth or an agent bundle (the control plane's "Add host" page
# prints this line; "Over SSH" uploads a bundle and runs it). The defaults are a real install;
# the other options let a test install into temporary directories without systemd:
#   --prefix DIR          where the agent's files go (default /opt/berth)
#   --data-root DIR       the agent's data (default /var/lib/berth/agent)
#   --docker-socket PATH  the Docker API socket (default /run/berth/docker.sock)
#   --config-dir DIR      where agent.env is written (default /etc/berth)
#   --cgroup-parent NAME  the containers' cgroup directory (default: the agent's, berth)
#   --no-systemd          start the agent detached (setsid) instead of as a systemd unit; its
#                         pid is printed and its log is DATA_ROOT/agent.log
set -euo pipefail
control_plane="" join_token="" prefix=/opt/berth data_root=/var/lib/berth/agent
docker_socket=/run/berth/docker.sock config_dir=/etc/berth cgroup_parent="" systemd=1
while [ $# -gt 0 ]; do
  case "$1" in
    --control-plane) control_plane="$2"; shift 2 ;;
    --join-token) join_token="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --data-root) data_root="$2"; shift 2 ;;
    --docker-socket) docker_socket="$2"; shift 2 ;;
    --config-dir) config_dir="$2"; shift 2 ;;
    --cgroup-parent) cgroup_parent="$2"; shift 2 ;;
    --no-systemd) systemd=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$control_plane" ] && [ -n "$join_token" ] || { echo "usage: $0 --control-plane URL --join-token TOKEN" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root: the agent is the container engine" >&2; exit 1; }

src="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$src" != "$prefix" ]; then
  echo "berth: copying the agent to $prefix"
  mkdir -p "$prefix"
  # As root, the copy belongs to root, not to whoever unpacked the bundle.
  cp -a --no-preserve=ownership "$src/." "$prefix/"
fi
bash "$prefix/scripts/ensure-installed.sh"
mkdir -p "$config_dir"
env_file="$config_dir/agent.env"
(
  umask 077
  {
    printf 'BERTH_CONTROL_PLANE=%s\nBERTH_JOIN_TOKEN=%s\n' "$control_plane" "$join_token"
    printf 'BERTH_AGENT_DATA_ROOT=%s\nBERTH_DOCKER_SOCKET=%s\n' "$data_root" "$docker_socket"
    [ -z "$cgroup_parent" ] || printf 'BERTH_CGROUP_PARENT=%s\n' "$cgroup_parent"
  } > "$env_file"
)

if [ "$systemd" = 1 ]; then
  sed -e "s#/opt/berth#$prefix#g" -e "s#/etc/berth/agent.env#$env_file#g" \
    "$prefix/infra/systemd/berth-agent.service" > /etc/systemd/system/berth-agent.service
  chmod 0644 /etc/systemd/system/berth-agent.service
  systemctl daemon-reload
  systemctl enable --now berth-agent
  echo "berth: agent installed; it joins $control_plane and appears on the Hosts page."
else
  mkdir -p "$data_root"
  # Read the env file the way systemd's EnvironmentFile= would, then detach from this session.
  set -a
  # shellcheck source=/dev/null
  . "$env_file"
  set +a
  setsid "$prefix/agent/bin/berth-agent" </dev/null >>"$data_root/agent.log" 2>&1 &
  echo "berth: agent started (pid $!); it joins $control_plane; log $data_root/agent.log"
fi
