#!/bin/sh
# Runs the click + observe loop through Argus and through chromedp side by
# side (alternating iterations), then the classic-WebDriver variant.
# Needs chromedriver and chromium on PATH. Usage: ./run.sh [iterations]
set -eu
cd "$(dirname "$0")"
n="${1:-200}"
exec go test -run '^$' -bench 'ClickObserve' -benchtime "${n}x" -count 1 .
