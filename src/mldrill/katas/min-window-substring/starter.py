def min_window(s: str, t: str) -> str:
    """Shortest (leftmost on ties) substring of s containing all characters of t with multiplicity; "" if none."""
    raise NotImplementedError("write min_window here")
