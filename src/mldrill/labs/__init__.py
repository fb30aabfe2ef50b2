"""Labs: small experiments with live figures, one module per lab (`mldrill.labs.<lab_id>`).

See `mldrill.labs._core` for the contract every lab follows; `mldrill lab list` and `/labs` show them all.
"""

from mldrill.labs._core import LabError, LabResult, all_labs, coerce, get_lab, lab_ids, lab_infos, run_lab

__all__ = ["LabError", "LabResult", "all_labs", "coerce", "get_lab", "lab_ids", "lab_infos", "run_lab"]
