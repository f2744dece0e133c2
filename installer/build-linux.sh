#!/usr/bin/env bash
# Build dist/hsp-desktop/ and dist/hsp-desktop-linux.tar.gz from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install ".[postgres]" pyinstaller
pyinstaller --noconfirm installer/hsp-desktop.spec
cp installer/hsp-desktop.desktop dist/hsp-desktop/
tar -C dist -czf dist/hsp-desktop-linux.tar.gz hsp-desktop
echo "built dist/hsp-desktop-linux.tar.gz"
