"""The from-scratch reference library.

Pure NumPy / PyTorch; imports nothing else of mldrill. Each module is one concept family and is verified against a
real library in tests/ref/ (see ../shared/DESIGN.md, "The reference library").
"""
