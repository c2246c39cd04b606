#!/bin/sh
# Lets only the application's own hosts reach a Syn node's ports (Hazelcast's and the links'), and lets the
# node reach those ports on no other host. Run it as root on every node, with the same list of hosts:
#
#   syn-firewall.sh PORTS HOST...     e.g.  syn-firewall.sh 5701,5801 10.0.0.11 10.0.0.12 10.0.0.13
#   syn-firewall.sh --remove PORTS
#
# PORTS: Hazelcast's port and syn.transport.port, comma-separated (a range as 5701:5703). Both directions
# matter: a node dials out to members it once knew, so rules on inbound traffic alone do not keep out a
# process that joined once. IPv4 only; repeat with ip6tables where the nodes use IPv6.
set -eu

remove() {
  iptables -D INPUT -p tcp -m multiport --dports "$1" -j SYN-IN 2>/dev/null || true
  iptables -D OUTPUT -p tcp -m multiport --dports "$1" -j SYN-OUT 2>/dev/null || true
  for chain in SYN-IN SYN-OUT; do
    iptables -F "$chain" 2>/dev/null || true
    iptables -X "$chain" 2>/dev/null || true
  done
}

if [ "${1:-}" = "--remove" ]; then
  remove "$2"
  exit 0
fi
if [ $# -lt 2 ]; then
  echo "usage: $0 PORTS HOST... | $0 --remove PORTS" >&2
  exit 2
fi
ports=$1
shift
remove "$ports"
iptables -N SYN-IN
iptables -N SYN-OUT
for host in "$@"; do
  iptables -A SYN-IN -s "$host" -j RETURN
  iptables -A SYN-OUT -d "$host" -j RETURN
done
iptables -A SYN-IN -j DROP
iptables -A SYN-OUT -j DROP
iptables -I INPUT -p tcp -m multiport --dports "$ports" -j SYN-IN
iptables -I OUTPUT -p tcp -m multiport --dports "$ports" -j SYN-OUT
