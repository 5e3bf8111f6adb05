#!/usr/bin/env sh
# Every template opens clean in the editor: every file of workflows/ imported as the README says
# (credentials picked by name), every node's panel opened in headless Chromium; fails on a parameter
# the editor flags or a notice whose condition does not hold (e2e/template-panels.e2e.mjs).
# Screenshots of every panel, results.json: e2e/.out/template-panels-<version>/
#
#   scripts/template-panels.sh [n8n-version]   default n8n-driver/n8n-versions.json's current (Node 24); 1.x LTS (e.g. 1.123.81) on the machine's Node
#   TEMPLATE_PANELS_SET='Create deal for contact.pipelineId=999' scripts/template-panels.sh
#                                              the same after saving that value into the chat template
set -eu
exec sh "$(dirname "$0")/chromium-e2e.sh" e2e/template-panels.e2e.mjs "$@"
