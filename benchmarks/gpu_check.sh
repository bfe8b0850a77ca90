#!/usr/bin/env bash
# The prepared check on a real NVIDIA GPU: run it from anywhere in the repository, on a machine that
# already has CuPy 14 (cupy-cuda12x) and PyTorch with CUDA. It installs nothing the machine lacks
# (`pip install --no-deps -e .`), and writes everything under one folder (default
# benchmarks/results/gpu/, or $OUT), in under 8 minutes in all:
#
#   versions.txt         GPU name, driver, CUDA runtime, CuPy, NumPy, PyTorch
#   pytest_gpu.txt       `pytest -m gpu`: the op table, layers, optimisers and the zero-sync step on CUDA
#   train_step.txt/.md/.json   LeNet and net2 at batch 64/256/1024, minitorch vs PyTorch CUDA, peak memory
#   cifar_epoch.txt/.json      one epoch of examples/cifar_cnn.py --device cuda (if the CIFAR subset is here)
#   summary.txt          exit status and seconds of each part
#
# Then commit the folder as benchmarks/results/gpu_<gpu name>/ and fix what it shows.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-benchmarks/results/gpu}
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
: > "$OUT/summary.txt"

part() {  # part NAME SECONDS COMMAND...: run with a time limit, log its status and duration
    local name=$1 limit=$2 start status
    shift 2
    start=$(date +%s)
    timeout "$limit" "$@" > "$OUT/$name.txt" 2>&1
    status=$?
    echo "$name: exit $status in $(( $(date +%s) - start )) s (limit $limit s)" | tee -a "$OUT/summary.txt"
}

pip install --no-deps -e . > "$OUT/install.txt" 2>&1 || echo "install: failed, running from the tree" >> "$OUT/summary.txt"

part versions 60 python - <<'EOF'
import platform, numpy, cupy
print("python", platform.python_version(), "numpy", numpy.__version__, "cupy", cupy.__version__)
runtime = cupy.cuda.runtime
print("devices", runtime.getDeviceCount(), "cuda runtime", runtime.runtimeGetVersion(), "driver", runtime.driverGetVersion())
for i in range(runtime.getDeviceCount()):
    props = runtime.getDeviceProperties(i)
    print(f"gpu {i}:", props["name"].decode(), f"{props['totalGlobalMem'] / 2**30:.0f} GiB",
          f"compute {props['major']}.{props['minor']}")
try:
    import torch
    print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
except ImportError:
    print("torch: not installed (the benchmark's reference is missing)")
EOF

part pytest_gpu 270 python -m pytest -q -p no:cacheprovider -m gpu -o addopts="" --durations=15 tests

part train_step 200 python benchmarks/train_step.py --device cuda --models lenet,net2 --batches 64,256,1024 \
    --repeats 3 --target-s 0.5
cp benchmarks/results/train_step_cuda.md "$OUT/train_step.md" 2>/dev/null
cp benchmarks/results/train_step_cuda.json "$OUT/train_step.json" 2>/dev/null

CIFAR=""
for candidate in shared/datasets/cifar10-subset ../shared/datasets/cifar10-subset; do
    [ -f "$candidate/cifar-10-python.tar.gz" ] && CIFAR=$candidate && break
done
if [ -n "$CIFAR" ]; then
    part cifar_epoch 90 python examples/cifar_cnn.py --device cuda --epochs 1 --batch-size 256 --data "$CIFAR" \
        --json "$OUT/cifar_epoch.json"
else
    echo "cifar_epoch: skipped, no CIFAR-10 subset at shared/datasets/cifar10-subset" | tee -a "$OUT/summary.txt"
fi
cat "$OUT/summary.txt"
