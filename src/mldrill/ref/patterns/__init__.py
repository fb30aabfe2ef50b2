"""Coding-interview patterns in typed pure Python, one module per family; each is checked against a brute force."""
