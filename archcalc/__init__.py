"""archcalc: exact shapes, parameters and MACs of CNN architectures written as YAML specs."""

__version__ = "0.1.0"
