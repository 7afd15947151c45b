"""Builds the tiny development model used by the Rust tests (not a detector).

Its logit is mean(features**2) - 1 over each window, so its output is a known function of the
front-end; the manifest uses the same front-end as the shipped model. Run:
    python tests/models/make_dev_model.py tests/models
"""
import hashlib
import json
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    x = helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 60, 198])
    y = helper.make_tensor_value_info("logit", TensorProto.FLOAT, ["batch"])
    one = helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])
    axes = helper.make_tensor("axes", TensorProto.INT64, [2], [1, 2])
    nodes = [
        helper.make_node("Mul", ["features", "features"], ["sq"]),
        helper.make_node("ReduceMean", ["sq", "axes"], ["m"], keepdims=0),
        helper.make_node("Sub", ["m", "one"], ["logit"]),
    ]
    graph = helper.make_graph(nodes, "dev", [x], [y], initializer=[one, axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx_path = out_dir / "dev.onnx"
    onnx.save(model, onnx_path)
    manifest = {
        "name": "voxscreen-dev",
        "version": "0.0.0",
        "onnx": "dev.onnx",
        "sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
        "sample_rate": 16000,
        "window_s": 2.0,
        "hop_s": 1.0,
        "min_speech_s": 1.0,
        "features": {"kind": "lfcc", "sample_rate": 16000, "n_fft": 512, "win_length": 400,
                     "hop_length": 160, "n_filters": 40, "n_coeffs": 20, "deltas": True,
                     "cmn": True},
        "input_name": "features",
        "output_name": "logit",
        "output": "mean(features^2) - 1: a test function, not a detector",
        "calibration": {"method": "platt", "a": 1.0, "b": 0.0, "fitted_on": "none (test model)"},
        "thresholds": {"likely_synthetic": 0.9, "likely_genuine": 0.1, "min_synthetic_run_s": 4.0,
                       "target_false_positive_rate": 0.05, "source": "fixed for tests"},
    }
    (out_dir / "dev.json").write_text(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent))
