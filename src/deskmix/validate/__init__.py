"""The back-test (``deskmix validate``): the history's team simulated on the calibrated
workload and set beside the history, figure by figure. See docs/validate.md."""

from deskmix.validate.use_case import ValidationRequest, ValidationResult, run_validation

__all__ = ["ValidationRequest", "ValidationResult", "run_validation"]
