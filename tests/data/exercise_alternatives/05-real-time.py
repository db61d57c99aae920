# --8<-- [start:wake-subscription]
import itertools

_renames = itertools.count(1)

def wake_linus():
    # A new display name for Grace, an author in #general, on every call.
    grace.mutation("profiles:rename", {"name": f"Grace (take {next(_renames)})"})
# --8<-- [end:wake-subscription]
