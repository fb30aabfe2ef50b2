"""Classical machine learning from scratch, with scikit-learn's names and conventions.

Estimators have `fit(X, y) -> self`, `predict(X)`, `predict_proba(X)` where it makes sense, keyword-only
hyperparameters and fitted attributes with a trailing underscore (`coef_`, `cluster_centers_`, `inertia_`).
Each module is tested against scikit-learn from the same initialization (tests/ref/classical/).
"""
