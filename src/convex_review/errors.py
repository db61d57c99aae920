class ReviewInputError(Exception):
    """Bad input: exit code 2."""
