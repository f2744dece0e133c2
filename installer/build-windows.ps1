# Build dist\hsp-desktop\ and, with Inno Setup installed, dist\hsp-desktop-setup.exe.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
python -m pip install ".[postgres]" pyinstaller
pyinstaller --noconfirm installer\hsp-desktop.spec
if (Get-Command iscc -ErrorAction SilentlyContinue) {
    iscc installer\hsp-desktop.iss
} else {
    Write-Host "Inno Setup (iscc) not found: dist\hsp-desktop\ is ready to copy as it is."
}
