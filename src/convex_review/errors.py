class ReviewInputError(Exception):
    """Bad input: exit code 2."""


class ReviewTimeoutError(Exception):
    """A pass ran out of time (a very large app, or a busy machine): exit code 3, with a message saying how
    to allow more time, since it is neither the app's fault nor a bug."""


class ReviewSetupError(Exception):
    """The reviewer cannot run on this machine as installed (a missing compiler binary): exit code 3, with a
    message saying what to install, since it is neither the app's fault nor a bug."""
