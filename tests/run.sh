#!/usr/bin/env bash
# The project's one test command: installs what it needs, then lints and runs every test.
#   bash tests/run.sh            everything
#   bash tests/run.sh -k shell   extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

# first_python MINOR...: the first interpreter found of these 3.x versions (python3.X on
# PATH, else pyenv's), or DAZ_PYTHON for the oldest.
first_python() {
    local minor candidate
    for minor in "$@"; do
        for candidate in "python3.$minor" "$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3."$minor".*/bin/python 2>/dev/null | tail -n 1)"; do
            [ -n "$candidate" ] || continue
            if "$candidate" -c "import sys; assert sys.version_info[:2] == (3, $minor)" 2>/dev/null; then
                echo "$candidate"
                return
            fi
        done
    done
    echo "no Python 3.{$*} found" >&2
    exit 1
}
# The webui runs Python 3.10: the low end and the webui hosts use it.
OLDEST=${DAZ_PYTHON:-$(first_python 10 11 12 13 14)}
# The high end: the newest Python here (3.14 where the machine has it).
NEWEST=$(first_python 14 13 12)

# make_venv DIR PYTHON REQUIREMENTS...: a virtualenv with exactly these requirement files,
# reused while they are unchanged.
make_venv() {
    local dir=$1 python=$2
    shift 2
    local stamp
    stamp=$( (cat "$@"; "$python" --version) | sha256sum | cut -d' ' -f1)
    if [ ! -x "$dir/bin/python" ] || [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$dir"
        "$python" -m venv "$dir"
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

# run_pytest PYTHON ARGS...: pytest; with extra arguments (-k ...) a stage may select none.
run_pytest() {
    local status=0
    "$1" -m pytest -q -p no:cacheprovider "${@:2}" || status=$?
    [ "$status" = 0 ] || { [ "$status" = 5 ] && [ "$EXTRA" -gt 0 ]; } || exit "$status"
}
EXTRA=$#

make_venv .venv/core "$OLDEST" requirements-test.txt
CORE=.venv/core/bin/python

echo "== lint"
"$CORE" -m ruff check .
"$CORE" -m ruff format --check .
.venv/core/bin/lint-imports --no-cache

echo "== core tests, low end ($("$CORE" --version), numpy 1.26, Pillow 9.5, OpenEXR 3.4.12)"
run_pytest "$CORE" --ignore=tests/browser --ignore=tests/host --ignore=tests/packaging \
    --ignore=tests/comfy "$@"

make_venv .venv/newest "$NEWEST" requirements-newest.txt
NEW=.venv/newest/bin/python
echo "== the wheel, and where it resolves to wheels only"
rm -rf .venv/dist
"$NEW" -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation \
    --wheel-dir .venv/dist .
WHEEL=$(ls .venv/dist/daz_depth-*.whl)
"$NEW" tests/wheels.py "$WHEEL"

echo "== core tests, high end, spawn start method ($("$NEW" --version), $("$NEW" -c \
    'import numpy, PIL, importlib.metadata as m; print("numpy", numpy.__version__, "Pillow", PIL.__version__, "OpenEXR", m.version("OpenEXR"))'))"
export DAZDEPTH_TEST_START_METHOD=spawn  # Windows' and macOS's start method
run_pytest "$NEW" --ignore=tests/browser --ignore=tests/host --ignore=tests/packaging \
    --ignore=tests/comfy "$@"
unset DAZDEPTH_TEST_START_METHOD

# The ComfyUI nodes with CPU torch, on Python 3.11 where there is one (the CPU build of
# torch==2.13.0 lies on this project's machines for 3.11).
make_venv .venv/comfy "$(command -v python3.11 || echo "$OLDEST")" requirements-comfy.txt
COMFY=.venv/comfy/bin/python
echo "== ComfyUI node tests ($("$COMFY" -c 'import torch; print("torch", torch.__version__)'))"
run_pytest "$COMFY" tests/comfy "$@"

ensure_chromium
for host in gradio3 gradio4; do
    make_venv ".venv/$host" "$OLDEST" "requirements-$host.txt"
    UI=".venv/$host/bin/python"
    echo "== webui host and browser tests, $("$UI" -c 'import gradio; print("gradio", gradio.__version__)')"
    run_pytest "$UI" tests/host tests/browser "$@"
done

# The standalone tab on the current gradio, served by the installed daz-depth command.
make_venv .venv/gradio6 "$NEWEST" requirements-gradio6.txt
.venv/gradio6/bin/python -m pip install --quiet --disable-pip-version-check \
    --no-deps --force-reinstall "$WHEEL"
UI=.venv/gradio6/bin/python
echo "== installed package and standalone browser tests, $("$UI" -c 'import gradio; print("gradio", gradio.__version__)'), $("$UI" --version)"
export DAZDEPTH_INSTALLED=1  # the browser tests start the installed daz-depth
# test_launcher_serving: what the tab's server hands out, at gradio 6's /gradio_api routes.
run_pytest "$UI" tests/packaging tests/browser tests/host/test_launcher_serving.py "$@"
