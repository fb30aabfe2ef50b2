def longest_unique_substring(s: str) -> int:
    """Length of the longest substring of s with no repeated character."""
    raise NotImplementedError("write longest_unique_substring here")
