#!/usr/bin/env bash
# The Debian packages the test suite uses (browsers, databases, a SIP phone, TURN, nginx, network
# namespaces): installs the missing ones as root, or stops at once with the one command to run.
# `npm test` (pretest) and .ci/run both call this, so the README's two commands stay the whole
# set-up on a bare Debian machine.
set -euo pipefail

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v firefox-esr >/dev/null || need+=(firefox-esr)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v baresip >/dev/null || need+=(baresip-core)
command -v turnserver >/dev/null || need+=(coturn)
[ -x /usr/sbin/nginx ] || need+=(nginx)
{ command -v iptables || [ -x /usr/sbin/iptables ]; } >/dev/null || need+=(iptables)
{ command -v ip || [ -x /usr/sbin/ip ] || [ -x /bin/ip ]; } >/dev/null || need+=(iproute2)
command -v openssl >/dev/null || need+=(openssl)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$EUID" -eq 0 ]; then
    SUDO=
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "earshot: the tests need Debian packages that are missing. Run, as root:" >&2
    echo "  apt-get install -y --no-install-recommends ${need[*]}" >&2
    exit 1
  fi
  echo "earshot: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Debian starts the packaged servers on install; the tests start their own on free ports.
if [ "$EUID" -eq 0 ]; then
  for s in postgresql redis-server coturn nginx; do service "$s" stop >/dev/null 2>&1 || true; done
fi
