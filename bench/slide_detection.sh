#!/bin/bash
# Whole-slide patch-heatmap detection benchmark (issue 6): a patch classifier
# trained on a small synthetic slide's patches, then `medcnn detect-slide` on
# a synthetic pyramidal TIFF of SIZE x SIZE pixels (default 20000) with known
# lesions: throughput (megapixels/s of slide, patches/s), peak resident
# memory, and FROC against the lesions (summary.json).
#
#   bench/slide_detection.sh [BUILD_DIR] [WORK_DIR] [SIZE]
set -euo pipefail
BUILD=${1:-build}
WORK=${2:-/tmp/medcnn-slide-bench}
SIZE=${3:-20000}
M="$BUILD/bin/medcnn"
mkdir -p "$WORK"
# 1. training patches from a 6000^2 slide (64^2, half centred in lesions)
[ -f "$WORK/train/patches/manifest.csv" ] ||
  "$M" --seed 11 phantom-slide "$WORK/train" --size 6000 --lesions 10 --min-radius 150 \
    --max-radius 350 --patches 3000 --patch-size 64
# 2. the patch classifier: a narrow ResNet-18 with the small stem
cat > "$WORK/patches.toml" <<TOML
task = "classification"
seed = 0
[data]
source = "$WORK/train/patches/manifest.csv"
val_fraction = 0.15
[network]
name = "resnet18"
stem = "small"
width = 8
[optimizer]
name = "adamw"
lr = 0.003
[train]
epochs = 4
batch_size = 64
[[preprocess]]
name = "NormalizeIntensity"   # a fixed scale: a lesion is darker than tissue, keep that
subtrahend = 128.0
divisor = 64.0
[[augment]]
name = "RandFlip"
prob = 0.5
spatial_axis = [0]
TOML
[ -f "$WORK/model/best.pt" ] || "$M" train "$WORK/patches.toml" --out "$WORK/model" --quiet
# 3. the big slide, then detection in bounded memory
[ -f "$WORK/big/slide.tif" ] ||
  "$M" --seed 12 phantom-slide "$WORK/big" --size "$SIZE" --lesions 20 --min-radius 150 --max-radius 400
/usr/bin/time -v "$M" detect-slide --model "$WORK/model" --slide "$WORK/big/slide.tif" \
  --positive lesion --patch 64 --stride 64 --threshold 0.5 --reference "$WORK/big/lesions.csv" \
  --out "$WORK/detections" --quiet 2> "$WORK/time.txt" > /dev/null
grep -E "Maximum resident|Elapsed" "$WORK/time.txt"
cat "$WORK/detections/summary.json"
