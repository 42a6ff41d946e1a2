#!/usr/bin/env bash
# Installs the Debian packages neardup builds, tests and benchmarks with.
# Idempotent: does nothing when everything is already installed.
set -euo pipefail
packages=(cmake g++ make pkg-config clang-format
  libabsl-dev libxxhash-dev libutf8proc-dev libsimdjson-dev libdeflate-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
