"""Existing models in, a spec out (`archcalc import`): a PyTorch model traced with torch.fx (torchfx.py) or an
ONNX graph (onnx.py) becomes a list of Steps (steps.py), each layer read back by the kind that builds it
(`Layer.from_torch`); written.py folds them into a readable spec and checks it against the model's shapes."""
