#!/usr/bin/env python3
"""Checks exported ONNX files with ONNX's own checker (full_check: shapes and types inferred through every node).

Usage: python3 scripts/check_onnx.py model.onnx [more.onnx ...]
Prints one line per file: its opset, IR version, inputs and outputs. Exits 1 when a file fails the check.
Needs the `onnx` package (pip install onnx).
"""
import sys

try:
    import onnx
except ImportError:
    print("check_onnx: the onnx package is not installed (pip install onnx); nothing was checked.", file=sys.stderr)
    sys.exit(3)


def describe(values):
    out = []
    for v in values:
        dims = [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
        out.append(f"{v.name} {onnx.TensorProto.DataType.Name(v.type.tensor_type.elem_type).lower()}{dims}")
    return ", ".join(out)


failed = 0
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
    except Exception as err:  # the checker raises several types; each is one failed file
        print(f"{path}: FAILED: {str(err).splitlines()[0]}")
        failed += 1
        continue
    opset = next(o.version for o in model.opset_import if o.domain == "")
    print(f"{path}: ok (onnx {onnx.__version__} checker, opset {opset}, IR {model.ir_version}; "
          f"in: {describe(model.graph.input)}; out: {describe(model.graph.output)})")
sys.exit(1 if failed else 0)
