#!/bin/sh
# W6 count check, run by every peer after each step (outside the clock):
#   sh podcheck.sh N D
# looks into a sample of the pod namespaces (pods 0, D-1, D, (N+D)/2, N-1)
# with iproute2 and prints two numbers: the sampled pods that are fully set
# up (eth0 up with 10.22.1.0+K/16, default route via 10.22.0.1 dev eth0) and
# the sampled pods that have only lo left. run.js knows the same sample.
n=$1 d=$2
ready=0 bare=0
for k in $(printf '%s\n' 0 $((d - 1)) "$d" $(((n + d) / 2)) $((n - 1)) | awk -v n="$n" '$1 >= 0 && $1 < n' | sort -un); do
  ns=/run/netns/pod$k
  links=$(nsenter --net="$ns" ip -o link show | wc -l)
  if [ "$links" -eq 1 ]; then bare=$((bare + 1)); continue; fi
  addr="10.22.$((1 + k / 256)).$((k % 256))/16"
  nsenter --net="$ns" ip -o link show dev eth0 | grep -q '[<,]UP[,>]' || continue
  nsenter --net="$ns" ip -o -4 addr show dev eth0 | grep -q " inet $addr " || continue
  nsenter --net="$ns" ip -4 route show default | grep -q '^default via 10\.22\.0\.1 dev eth0' || continue
  ready=$((ready + 1))
done
echo "$ready $bare"
