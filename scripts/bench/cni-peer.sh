#!/bin/sh
# Benchmark peer: the CNI reference `bridge` plugin (Debian's
# containernetworking-plugins, /usr/lib/cni), W6 only — one fork of the plugin
# per pod, as a container runtime calls it:
#
#   sh cni-peer.sh W6 N D
#
# Runs in the namespace (and private mount namespace) it was started in. The
# network config: bridge cni0, isGateway, the `static` IPAM plugin with the
# pod's address (10.22.1.0+I/16, gateway 10.22.0.1) and a default route — what
# the other peers set up. A shell drives it, so `/usr/bin/time -f %M` of the
# run is the largest of the plugin's forks (the shell and `ip` are smaller).
# Prints { steps: { name: { n, ms } | { missing } }, checks: { name: count } }.
set -e
[ "$1" = W6 ] || { echo '{"missing":"n/a: the CNI plugin runs W6 only"}'; exit 0; }
n=${2:-200}
d=${3:-$((n / 5))}
PLUGIN=${CNI_PLUGIN:-/usr/lib/cni/bridge}
[ -x "$PLUGIN" ] || { echo '{"missing":"containernetworking-plugins not installed (no /usr/lib/cni/bridge)"}'; exit 0; }
export CNI_PATH=/usr/lib/cni CNI_IFNAME=eth0

now() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'; }
conf() {
  printf '{"cniVersion":"1.0.0","name":"bench","type":"bridge","bridge":"cni0","isGateway":true,"ipam":{"type":"static","addresses":[{"address":"10.22.%d.%d/16","gateway":"10.22.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.22.0.1"}]}}' $((1 + $1 / 256)) $(($1 % 256))
}
cni() { # COMMAND POD
  conf "$2" | CNI_COMMAND=$1 CNI_CONTAINERID=pod$2 CNI_NETNS=/run/netns/pod$2 "$PLUGIN" >/dev/null
}
checks=
podchecks() {
  set -- "$1" $(sh ./podcheck.sh "$n" "$d")
  checks="$checks${checks:+,}\"podsReady$1\":$2,\"podsBare$1\":$3,\"links$1\":$(ip -o link show | wc -l)"
}

# Setup, not measured: the bridge with the gateway address, the named namespaces.
{
  echo 'link add cni0 type bridge'
  echo 'link set cni0 up'
  echo 'addr add 10.22.0.1/16 dev cni0'
  i=0
  while [ $i -lt "$n" ]; do echo "netns add pod$i"; i=$((i + 1)); done
} | ip -batch -

t=$(now)
i=0
while [ $i -lt "$n" ]; do cni ADD $i; i=$((i + 1)); done
add=$(ms "$t" "$(now)")
podchecks AfterAdd

t=$(now)
i=0
while [ $i -lt "$d" ]; do cni DEL $i; i=$((i + 1)); done
del=$(ms "$t" "$(now)")
podchecks AfterDelOne

# No bulk delete in CNI: the other pods get one DEL each, outside the clock.
while [ $i -lt "$n" ]; do cni DEL $i; i=$((i + 1)); done
podchecks AfterBulkDel
i=0
while [ $i -lt "$n" ]; do echo "netns del pod$i"; i=$((i + 1)); done | ip -batch -

echo "{\"steps\":{\"addAwait\":{\"n\":$n,\"ms\":$add},\"delOne\":{\"n\":$d,\"ms\":$del},\"bulkDel\":{\"missing\":\"n/a: CNI has no bulk delete (one DEL per pod)\"}},\"checks\":{$checks}}"
