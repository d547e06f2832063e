#!/usr/bin/env bash
# Smoke set for the lowest-versions job: the CLIs end to end on tiny data with the venv given as $1 (default .venv):
# sample data, rehydration through the local Reddit emulator and from zstd dump files, tiny BT and GenRM training (full and LoRA), evaluation of every judge kind,
# and the first pipeline steps through papermill.
set -euo pipefail
BIN=$(cd "${1:-.venv}/bin" && pwd)
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
cd "$d"
run() { echo "+ $*"; "$@" > "$d/log" 2>&1 || { tail -40 "$d/log"; echo "smoke: FAILED: $*"; exit 1; }; }
run "$BIN/litbench_sample_data" --out data --n_train 48 --n_test 24 --n_rationales 48
run "$BIN/litbench_rehydrate" --ids data/test_ids.csv --output_dir data --emulator_snapshot data/reddit_snapshot.json --max_workers 2
test -s data/rehydrated_test_data.csv
run "$BIN/litbench_rehydrate" --source dump --dumps data/WritingPrompts_comments.zst data/WritingPrompts_submissions.zst --ids data/test_ids.csv --output_dir from_dumps
cmp data/rehydrated_test_data.csv from_dumps/rehydrated_test_data.csv
run "$BIN/litbench_train_bt" --base_model tiny-random --train data/train.jsonl --test data/rehydrated_test_data.csv \
    --output_dir bt --max_steps 2 --batch_size 4 --target_batch_size 8 --max_length 64 --learning_rate 1e-3
test -s bt/metrics.json
run "$BIN/litbench_train_genrm" --model_name tiny-random --dataset_name data/rationales.jsonl --output_dir genrm \
    --max_steps 2 --batch_size 2 --target_batch_size 2 --max_length 384 --learning_rate 1e-3 --eval_pairs 2
test -s genrm/metrics.json
run "$BIN/litbench_train_genrm" --model_name tiny-random --dataset_name data/rationales.jsonl --output_dir genrm_lora \
    --max_steps 1 --batch_size 2 --target_batch_size 2 --max_length 384 --learning_rate 1e-3 --eval_pairs -1 --lora_r 4  # peft at its floor
test -s genrm_lora/metrics.json
run "$BIN/litbench_eval" --kind bt --model bt --test data/rehydrated_test_data.csv --output eval_bt/metrics.json
run "$BIN/litbench_eval" --kind genrm --model genrm --both_orders --max_new_tokens 4 --test data/rehydrated_test_data.csv --output eval_genrm/metrics.json
run "$BIN/litbench_eval" --kind length,random --test data/rehydrated_test_data.csv --output eval_base/metrics.json
test -s eval_bt/report.md && test -s eval_genrm/report.md
run "$BIN/litbench_run" --preset tiny --steps data,rehydrate,analysis --out run   # papermill + ipykernel at their floors
test -s run/summary.md
"$BIN/python" -c "import importlib.metadata as m; print('smoke: passed with', ', '.join(f'{p} {m.version(p)}' for p in ('torch', 'transformers', 'trl', 'datasets', 'accelerate', 'numpy', 'pandas', 'scipy', 'matplotlib', 'peft', 'praw', 'papermill')))"
