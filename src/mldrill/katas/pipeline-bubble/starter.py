def pipeline_schedule(order: list[list[str]]) -> tuple[list[list[str]], float]:
    """(grid[stage][slot] of ops or "", idle fraction) when each stage runs its op list as early as allowed."""
    raise NotImplementedError("write pipeline_schedule here")
