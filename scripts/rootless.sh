#!/usr/bin/env bash
# Runs a command as root of a new user namespace with its own network and
# mount namespaces (rootless: no real privilege), with a private /run so that
# named network namespaces (/run/netns) work the iproute2 way.
set -euo pipefail
if [ $# -eq 0 ]; then set -- npm test; fi
exec unshare --user --map-root-user --net --mount -- bash -c 'mount -t tmpfs -o mode=755 tmpfs /run && exec "$@"' rootless "$@"
