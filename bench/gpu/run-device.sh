#!/usr/bin/env bash
# The GPU check's one prepared script, run on an offline GPU machine from the repository root:
#
#     bash gpu-bundle/run-device.sh
#
# (the bundle is built by `npm run gpu:bundle`, bench/gpu/build-bundle.ts; see docs/gpu.md).
# It unpacks Node and mpo from the bundle, points Dawn at the bundled Vulkan loader and the NVIDIA
# ICD, then runs each step under `timeout`, most valuable first: mpo webgpu and torch CUDA on the
# four bench workloads, the two short fits (webgpu vs wasm), mpo wasm on all cores and torch CPU
# on all threads, the wasm CPU scaling (1, 2, 4, 8, 16 workers), the rest of the CPU workloads.
# Each step appends one JSON line to $OUT/results.jsonl (bench/gpu/table.ts's StepRecord); its
# output is kept in $OUT/steps/; $OUT/run-device.log is the log. At the end it prints the one
# table and writes $OUT/<date>-<machine>.json (commit it as bench/results/<date>-<machine>.json).
#
# Environment (all optional):
#   OUT                where results go (default ./gpu-out)
#   MPO_GPU_DEADLINE   seconds for the whole script (default 480); later steps are skipped when short
#   MPO_GPU_QUICK=1    tiny iteration counts (a dry check on a machine without a GPU)
#   MPO_GPU_ONLY       a bash regex: run only the steps whose names match (e.g. 'webgpu|cuda'; the probes always run)
#   MPO_GPU_NO_SKIP=1  run the webgpu and CUDA steps even when their probe found no GPU (to see them fail)
#   MPO_GPU_FIT_STEPS  steps of each of the two fits (default 100; 20 with MPO_GPU_QUICK=1)
#   MPO_GPU_WORK       where to unpack (default a new folder under /tmp)
#   MPO_PYTHON         the Python with torch (default: python3 on PATH)
set -u

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
START=$SECONDS
OUT="${OUT:-$PWD/gpu-out}"
mkdir -p "$OUT/steps"
OUT="$(cd "$OUT" && pwd)"
WORK="${MPO_GPU_WORK:-$(mktemp -d /tmp/mpo-gpu.XXXXXX)}"
mkdir -p "$WORK"
DEADLINE="${MPO_GPU_DEADLINE:-480}"
QUICK="${MPO_GPU_QUICK:-0}"
NO_SKIP="${MPO_GPU_NO_SKIP:-0}"
PYTHON="${MPO_PYTHON:-$(command -v python3 || echo python3)}"
NPROC="$(nproc 2>/dev/null || echo 1)"
RESERVE=15   # seconds kept for the table at the end
MIN_STEP=15  # a step gets at least this long, else it is skipped
LOG="$OUT/run-device.log"
RESULTS="$OUT/results.jsonl"
: > "$LOG"
: > "$RESULTS"
if [[ "$QUICK" == 1 ]]; then FIT_STEPS="${MPO_GPU_FIT_STEPS:-20}"; else FIT_STEPS="${MPO_GPU_FIT_STEPS:-100}"; fi

log() { echo "[$(( SECONDS - START ))s] $*" | tee -a "$LOG" >&2; }

# The torch_reference.py arguments of each workload: the same as `ref` in bench/workload.ts's
# WORKLOADS (test/gpu-bundle.test.ts checks that they agree); quick mode adds `quickRef`.
REF_paper="--model conv --cells 50 --batch 512 --iters 5"
REF_reduced="--model conv --cells 10 --batch 128 --iters 20 --warmup 3"
REF_mlp="--model mlp --cells 50 --batch 512 --iters 20 --warmup 3"
REF_landscape="--model conv --eval-grid 20 --eval-images 1000"
QREF_paper="--iters 2"
QREF_reduced="--iters 5 --warmup 1"
QREF_mlp="--iters 5 --warmup 1"
QREF_landscape="--eval-grid 8"

# --- unpacking ------------------------------------------------------------------------------
unxz_to() { # unxz_to FILE.xz DEST
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2"
  else "$PYTHON" -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
untar_xz() { # untar_xz FILE.tar.xz DIR
  if command -v xz >/dev/null 2>&1; then tar -xJf "$1" -C "$2"
  else "$PYTHON" -c 'import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"; fi
}

log "bundle $HERE, out $OUT, work $WORK, deadline ${DEADLINE} s, $NPROC cores, quick $QUICK"
NODE="$WORK/node"
MPO="$WORK/mpo"
TABLE="$MPO/bench/gpu/table.js"
NODE_OK=0
if unxz_to "$HERE/node.xz" "$NODE" 2>>"$LOG" && chmod +x "$NODE" && untar_xz "$HERE/mpo.tar.xz" "$WORK" 2>>"$LOG" && "$NODE" --version >/dev/null 2>>"$LOG"; then
  NODE_OK=1
  log "node $("$NODE" --version) and mpo unpacked in $(( SECONDS - START )) s"
else
  log "error: could not unpack node and mpo from $HERE (see $LOG): only the torch steps can run"
fi

# --- Vulkan: the bundled loader, the NVIDIA ICD ---------------------------------------------
LIBS="$MPO/vulkan"
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [[ -d "$d" ]] && LIBS="$LIBS:$d"; done
export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [[ -f "$ICD" ]]; then
  export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD"
  log "Vulkan ICD $ICD: $(tr -d '\n ' < "$ICD" | head -c 300)"
else
  log "no NVIDIA Vulkan ICD at $ICD: Dawn will look in the default places"
fi
export MPO_TORCH_REFERENCE="$HERE/torch_reference.py"

# --- steps ----------------------------------------------------------------------------------
# record NAME META ARGS...: appends the step's StepRecord to results.jsonl (Python if Node is missing).
record() {
  local name=$1 meta=$2; shift 2
  if [[ "$NODE_OK" == 1 ]] && "$NODE" "$TABLE" record --step "$name" --meta "$meta" "$@" >> "$RESULTS" 2>>"$LOG"; then return 0; fi
  "$PYTHON" - "$name" "$meta" "$@" >> "$RESULTS" 2>>"$LOG" <<'PY'
import json, sys
name, meta, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
opt = {rest[i]: rest[i + 1] for i in range(0, len(rest) - 1, 2)}
rec = {'step': name, 'engine': 'info'}
for kv in filter(None, meta.split(',')):
    k, v = kv.split('=', 1)
    rec[k] = int(v) if k in ('workers', 'threads', 'steps') else v
def read(p):
    try:
        return open(p).read()
    except Exception:
        return ''
rc = int(opt['--rc']) if '--rc' in opt else None
result = None
for line in reversed(read(opt.get('--stdout', '')).splitlines()):
    if line.strip().startswith('{'):
        try:
            result = json.loads(line); break
        except Exception:
            pass
err = [l.strip() for l in read(opt.get('--stderr', '')).splitlines() if l.strip()]
status = 'skipped' if '--skip' in opt else 'timeout' if rc in (124, 137) else 'ok' if rc == 0 and (result or rec['engine'] == 'info') else 'failed'
rec.update(status=status, rc=rc, wall_s=float(opt.get('--wall', 0)), budget_s=float(opt.get('--budget', 0)), result=result,
           error=opt.get('--skip') or (None if status == 'ok' else (err[-1][:400] if err else 'exit status %s' % rc)))
print(json.dumps(rec))
PY
}

skip_step() { # skip_step NAME META REASON
  log "skip $1: $3"
  record "$1" "$2" --skip "$3"
}

# wanted NAME: whether MPO_GPU_ONLY selects the step (the probes always run: the skips depend on them).
wanted() { [[ -z "${MPO_GPU_ONLY:-}" || "$1" =~ $MPO_GPU_ONLY || "$1" =~ ^(gpu|probe-) ]]; }

STEP_JSON=""  # set around run_step for a step whose result is a JSON file, not its last stdout line
LAST_RC=0
run_step() { # run_step NAME BUDGET META CMD...
  local name=$1 budget=$2 meta=$3; shift 3
  if ! wanted "$name"; then LAST_RC=0; return 0; fi
  local left=$(( DEADLINE - (SECONDS - START) - RESERVE ))
  if (( left < MIN_STEP )); then skip_step "$name" "$meta" "out of time (${DEADLINE} s for the whole script)"; LAST_RC=1; return 0; fi
  (( budget > left )) && budget=$left
  log "step $name (limit ${budget} s): $*"
  local t0 t1 rc
  t0=$(date +%s.%N)
  timeout -k 5 "$budget" "$@" > "$OUT/steps/$name.out" 2> "$OUT/steps/$name.err" < /dev/null
  rc=$?
  t1=$(date +%s.%N)
  local wall
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  # Keep the returned files small: Dawn and torch can be chatty.
  for f in "$OUT/steps/$name.out" "$OUT/steps/$name.err"; do
    if [[ $(wc -c < "$f") -gt 200000 ]]; then tail -c 200000 "$f" > "$f.tail" && mv "$f.tail" "$f"; fi
  done
  record "$name" "$meta" --rc "$rc" --wall "$wall" --budget "$budget" --stdout "$OUT/steps/$name.out" --stderr "$OUT/steps/$name.err" \
    ${STEP_JSON:+--json "$STEP_JSON"}
  log "  $name: exit $rc in ${wall} s; $(tail -n 1 "$RESULTS" | head -c 400)"
  LAST_RC=$rc
}

mpo_step() { # mpo_step NAME BUDGET BACKEND WORKERS WORKLOAD [EXTRA ARGS...]
  wanted "$1" || return 0
  local name=$1 budget=$2 backend=$3 workers=$4 workload=$5; shift 5
  local meta="engine=mpo,workload=$workload,backend=$backend,workers=$workers"
  if [[ "$NODE_OK" != 1 ]]; then skip_step "$name" "$meta" "node did not unpack"; return; fi
  if [[ "$backend" == webgpu && "$WEBGPU_OK" != 1 && "$NO_SKIP" != 1 ]]; then skip_step "$name" "$meta" "$WEBGPU_WHY"; return; fi
  local q=()
  [[ "$QUICK" == 1 ]] && q=(--quick)
  run_step "$name" "$budget" "$meta" "$NODE" "$MPO/bench/workload.js" "$workload" --backend "$backend" --workers "$workers" "${q[@]}" "$@"
}

torch_step() { # torch_step NAME BUDGET DEVICE THREADS WORKLOAD [EXTRA ARGS...]
  wanted "$1" || return 0
  local name=$1 budget=$2 device=$3 threads=$4 workload=$5; shift 5
  local meta="engine=torch,workload=$workload,device=$device,threads=$threads"
  if [[ "$TORCH_OK" != 1 ]]; then skip_step "$name" "$meta" "$TORCH_WHY"; return; fi
  if [[ "$device" == cuda && "$CUDA_OK" != 1 && "$NO_SKIP" != 1 ]]; then skip_step "$name" "$meta" "torch sees no CUDA device"; return; fi
  local ref="REF_$workload" qref="QREF_$workload" q=""
  [[ "$QUICK" == 1 ]] && q="${!qref}"
  # shellcheck disable=SC2086 # the argument lists are meant to split
  run_step "$name" "$budget" "$meta" "$PYTHON" "$HERE/torch_reference.py" ${!ref} $q --device "$device" --threads "$threads" "$@"
}

fit_step() { # fit_step NAME BUDGET BACKEND
  wanted "$1" || return 0
  local name=$1 budget=$2 backend=$3
  local meta="engine=mpo,workload=fit,backend=$backend,workers=1,steps=$FIT_STEPS" dir="$WORK/$1"
  if [[ "$NODE_OK" != 1 ]]; then skip_step "$name" "$meta" "node did not unpack"; return; fi
  if [[ "$backend" == webgpu && "$WEBGPU_OK" != 1 && "$NO_SKIP" != 1 ]]; then skip_step "$name" "$meta" "$WEBGPU_WHY"; return; fi
  rm -rf "$dir"
  STEP_JSON="$dir/summary.json"
  run_step "$name" "$budget" "$meta" "$NODE" "$MPO/bin/mpo.js" fit --backend "$backend" --workers 1 --seed 1 --steps "$FIT_STEPS" --out "$dir" --quiet
  STEP_JSON=""
  mkdir -p "$OUT/$name"
  cp "$dir/summary.json" "$dir/metrics.jsonl" "$dir/config.json" "$OUT/$name/" 2>/dev/null || true
}

# Probes: the GPUs, Dawn's adapter, torch and CUDA. A missing adapter or CUDA skips their steps.
run_step gpu 20 "engine=info" nvidia-smi -L
WEBGPU_OK=0
WEBGPU_WHY="node did not unpack"
if [[ "$NODE_OK" == 1 ]]; then
  run_step probe-webgpu 30 "engine=probe" "$NODE" "$TABLE" probe
  if [[ "$LAST_RC" == 0 ]]; then
    WEBGPU_OK=1
  else
    WEBGPU_WHY="no GPU adapter: $(grep -h -m1 -i "vulkan\|adapter\|error" "$OUT/steps/probe-webgpu.err" "$OUT/steps/probe-webgpu.out" 2>/dev/null | head -n 1 | head -c 200)"
  fi
fi
TORCH_OK=0
CUDA_OK=0
TORCH_WHY="no torch"
run_step probe-torch 60 "engine=probe" "$PYTHON" -c 'import json, torch
cuda = torch.cuda.is_available()
print(json.dumps({"torch": torch.__version__, "cuda": cuda, "cuda_version": torch.version.cuda,
  "device": torch.cuda.get_device_name(0) if cuda else None, "threads": torch.get_num_threads()}))'
if [[ "$LAST_RC" == 0 ]]; then
  TORCH_OK=1
  grep -q '"cuda": true' "$OUT/steps/probe-torch.out" && CUDA_OK=1
else
  TORCH_WHY="no torch for $PYTHON ($(tail -n 1 "$OUT/steps/probe-torch.err" 2>/dev/null | head -c 200))"
fi

# The GPU numbers first: mpo webgpu beside torch CUDA, workload by workload.
mpo_step webgpu-reduced 90 webgpu 1 reduced
torch_step cuda-reduced 60 cuda 2 reduced
mpo_step webgpu-paper 120 webgpu 1 paper
torch_step cuda-paper 60 cuda 2 paper
mpo_step webgpu-mlp 60 webgpu 1 mlp
torch_step cuda-mlp 45 cuda 2 mlp
mpo_step webgpu-landscape 90 webgpu 1 landscape
torch_step cuda-landscape 45 cuda 2 landscape

# The two short fits of the default heart, same seed: their test AUCs must agree.
fit_step fit-webgpu 120 webgpu
fit_step fit-wasm 120 wasm

# The CPU: mpo wasm on all cores against torch on all threads, then the scaling.
torch_step cpu-reduced 60 cpu "$NPROC" reduced
mpo_step "wasm-w$NPROC-reduced" 60 wasm "$NPROC" reduced
for w in 1 2 4 8 16; do
  (( w < NPROC )) && mpo_step "wasm-w$w-reduced" 45 wasm "$w" reduced --iters 3
done
torch_step cpu-mlp 45 cpu "$NPROC" mlp
mpo_step "wasm-w$NPROC-mlp" 45 wasm "$NPROC" mlp
torch_step cpu-landscape 60 cpu "$NPROC" landscape
mpo_step "wasm-w$NPROC-landscape" 60 wasm "$NPROC" landscape
torch_step cpu-paper 60 cpu "$NPROC" paper --iters 2
mpo_step "wasm-w$NPROC-paper" 90 wasm "$NPROC" paper --iters 2

# --- the table ------------------------------------------------------------------------------
log "steps done in $(( SECONDS - START )) s"
if [[ "$NODE_OK" == 1 ]]; then
  MANIFEST=()
  [[ -f "$HERE/MANIFEST.json" ]] && MANIFEST=(--manifest "$HERE/MANIFEST.json")
  "$NODE" "$TABLE" table --in "$RESULTS" "${MANIFEST[@]}" --write "$OUT" > "$OUT/table.txt" 2>>"$LOG" || log "error: the table failed (see $LOG)"
  cat "$OUT/table.txt"
else
  echo "no node: the raw results are in $RESULTS"
  cat "$RESULTS"
fi
log "done in $(( SECONDS - START )) s"
