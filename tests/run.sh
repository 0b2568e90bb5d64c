#!/usr/bin/env bash
# The project's one test command: installs what it needs, then lints and runs every test.
#   bash tests/run.sh            everything
#   bash tests/run.sh -k shell   extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    # The webui runs Python 3.10, so test on 3.10 when the machine has it.
    local candidate
    for candidate in "${DAZ_PYTHON:-}" python3.10 "$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python 2>/dev/null | tail -n 1)" python3; do
        [ -n "$candidate" ] || continue
        if "$candidate" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "no Python 3.10+ found" >&2
    exit 1
}

# make_venv DIR REQUIREMENTS...: a virtualenv with exactly these requirement files, reused
# while they are unchanged.
make_venv() {
    local dir=$1
    shift
    local stamp
    stamp=$(cat "$@" | sha256sum | cut -d' ' -f1)
    if [ ! -x "$dir/bin/python" ] || [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$dir"
        "${VENV_PYTHON:-$(find_python)}" -m venv "$dir"
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check \
            $(printf -- '-r %s ' "$@")
        echo "$stamp" >"$dir/.stamp"
    fi
}

ensure_chromium() {
    # Debian's browser, driven by Playwright from PyPI (never a downloaded browser).
    [ -x /usr/bin/chromium ] && return
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
}

make_venv .venv/core requirements-test.txt
CORE=.venv/core/bin/python

echo "== lint"
"$CORE" -m ruff check .
"$CORE" -m ruff format --check .
.venv/core/bin/lint-imports --no-cache

echo "== core tests ($("$CORE" --version))"
"$CORE" -m pytest -q -p no:cacheprovider --ignore=tests/browser --ignore=tests/host \
    --ignore=tests/comfy "$@"

# The ComfyUI nodes with CPU torch, on Python 3.11 where there is one (the CPU build of
# torch==2.13.0 lies on this project's machines for 3.11).
VENV_PYTHON=$(command -v python3.11 || true) make_venv .venv/comfy requirements-comfy.txt
COMFY=.venv/comfy/bin/python
echo "== ComfyUI node tests ($("$COMFY" -c 'import torch; print("torch", torch.__version__)'))"
"$COMFY" -m pytest -q -p no:cacheprovider tests/comfy "$@"

ensure_chromium
for host in gradio3 gradio4; do
    make_venv ".venv/$host" "requirements-$host.txt"
    UI=".venv/$host/bin/python"
    echo "== webui host and browser tests, $("$UI" -c 'import gradio; print("gradio", gradio.__version__)')"
    "$UI" -m pytest -q -p no:cacheprovider tests/host tests/browser "$@"
done
