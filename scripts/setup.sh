#!/bin/bash
# Sets up kensa on Debian 12 (run as root, or with sudo available): system packages (libtorch,
# OpenBLAS, PyTorch for reference tests, a C++ toolchain), npm packages, the native addon and
# the TypeScript build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  libtorch-dev          # the engine: libtorch 1.13 headers and libraries
  libopenblas0-pthread  # fast BLAS for libtorch (the reference BLAS is ~15 % slower)
  python3-torch         # PyTorch reference for tests and the benchmark (same libtorch build)
  python3-nibabel       # reference reader for NIfTI writer tests
  python3-pil           # image reading for scripts/analysis (dataset checks)
  python3-sklearn       # scikit-learn reference for AdaBoost tests
  g++ make python3      # node-gyp toolchain for the native addon
  libgloo-dev           # Gloo headers: the addon's c10d process groups (kensa launch, data-parallel training)
  chromium              # headless browser for the kensa serve and report tests (playwright-core)
  mricron-data          # kensa demo: Colin27 brain T1 (+ brain-extracted) with AAL and Brodmann atlases (16 MB)
  python3-skimage       # kensa demo: scikit-image's sample textures, micrograph and photographs (28 MB + deps)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "kensa setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# make sure libtorch links OpenBLAS rather than the reference BLAS
if [ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  $SUDO update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1 || true
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "kensa setup: Node.js $node_major found; kensa needs Node.js 20 or newer" >&2
  exit 1
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npm run build
echo "kensa setup: done (libtorch $(dpkg-query -W -f='${Version}' libtorch-dev), node $(node --version))" >&2
