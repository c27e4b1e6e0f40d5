#!/usr/bin/env bash
# Installs what Berth needs and is missing, then builds what is stale. Idempotent and quiet when
# nothing is to do, so `npm start`, `npm test` and `npm run agent` can all call it first.
#   --test   also install what the test suites need (browser, registry, sshd, busybox).
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=0
[ "${1:-}" = "--test" ] && with_test=1

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "berth: Node 20 or newer is required (found $(node -v))." >&2
  exit 1
fi

# Debian packages, by name. The agent needs iproute2/nftables for networking, zstd for zstd layers
# (Node 20 has no zstd decoder) and a C compiler for its native helper; the tests need a browser,
# a registry, an sshd and a tiny static userland.
apt_runtime=(gcc make libc6-dev iproute2 nftables util-linux procps zstd)
apt_test=(chromium busybox-static docker-registry apache2-utils openssh-server)
wanted=("${apt_runtime[@]}")
[ "$with_test" = 1 ] && wanted+=("${apt_test[@]}")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "berth: missing Debian packages: ${missing[*]} (run as root, or: apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "berth: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies at the versions the lockfile pins; run only when the lockfile changed.
# Not `npm ci`: it insists the lockfile also lists every platform's optional binary (biome's and
# turbo's darwin/windows builds), which a filtered registry may not serve; `npm install --no-save`
# installs the locked tree and never rewrites the lockfile.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.berth-lock-hash ] || [ "$(cat node_modules/.berth-lock-hash)" != "$lock_hash" ]; then
  echo "berth: installing npm dependencies"
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.berth-lock-hash
fi

# Generated code and the native helper; each tool skips work that is up to date.
node --import tsx scripts/prepare.ts
