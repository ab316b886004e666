#!/usr/bin/env bash
# Installs the Debian packages k8ts' test suites and benchmarks need on this machine.
# Idempotent: does nothing when everything is present. Needs root to install (CI runs as
# root); without root it lists what is missing and fails.
set -euo pipefail

# package -> a file it provides, to tell whether it is installed
declare -A PACKAGES=(
  [etcd-server]=/usr/bin/etcd
  [etcd-client]=/usr/bin/etcdctl
  # A real node: container runtime, CNI plugins, Service rules, and busybox for the offline
  # test images (scripts/build-test-images.mjs).
  [containerd]=/usr/bin/containerd
  [runc]=/usr/sbin/runc
  [containernetworking-plugins]=/usr/lib/cni/bridge
  [iptables]=/usr/sbin/iptables
  [iproute2]=/usr/sbin/ip
  [busybox-static]=/bin/busybox
)

missing=()
for pkg in "${!PACKAGES[@]}"; do
  [ -e "${PACKAGES[$pkg]}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "k8ts: missing Debian packages: ${missing[*]}" >&2
  echo "k8ts: run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "k8ts: installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package enables an etcd service; k8ts starts its own etcd processes.
# Likewise containerd: k8ts supervises its own, with its own config under the data dir.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now etcd containerd >/dev/null 2>&1 || true; fi
for pkg in "${missing[@]}"; do
  [ -e "${PACKAGES[$pkg]}" ] || { echo "k8ts: $pkg did not install ${PACKAGES[$pkg]}" >&2; exit 1; }
done
