# Solutions to the exercises of notebooks/05-real-time.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:wake-subscription]
def wake_linus():
    """One write that makes Linus's subscription to #general yield, without touching a message."""
    # messages:list joins in each author's name, so the authors' documents are in
    # its read set: renaming an author (Grace wrote every message in #general)
    # changes the result without touching a message. Renaming Ada would not: she
    # has written nothing there. A rename to the current name writes nothing, so
    # alternate between two names.
    current = grace.query("users:me")["name"]
    grace.mutation("profiles:rename", {"name": "Grace Hopper" if current != "Grace Hopper" else "Grace H."})
# --8<-- [end:wake-subscription]
