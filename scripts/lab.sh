#!/usr/bin/env bash
# JupyterLab on notebooks/, as `make lab` starts it: notebooks saved without outputs (the
# pre-save hook report_utils.lab.strip_outputs), and --allow-root when run as root (the set-up
# installs system packages as root, so root is a common user here). Further arguments are passed
# on to `jupyter lab`; LAB_NOTEBOOK_DIR names another folder than notebooks/.
set -euo pipefail
cd "$(dirname "$0")/.."
args=(--notebook-dir="${LAB_NOTEBOOK_DIR:-notebooks}" --ContentsManager.pre_save_hook=report_utils.lab.strip_outputs)
if [[ $(id -u) == 0 ]]; then
  args+=(--allow-root)
fi
exec "${LAB_VENV:-.venv-lab}/bin/jupyter" lab "${args[@]}" "$@"
