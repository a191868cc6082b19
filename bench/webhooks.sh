#!/usr/bin/env bash
# Webhook enqueue-to-delivery latency to a local receiver (bar: p50 <= 200 ms), in a throw-away database
# pulse_bench_webhooks with the job worker `pulse up` runs (bench/webhooks.py). Prints; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/webhooks.py
