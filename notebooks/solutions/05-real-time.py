# Solutions to the exercises of notebooks/05-real-time.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:wake-subscription]
# messages:list joins in each author's name, so the authors' documents are in
# its read set: renaming an author (Grace wrote every message in #general)
# changes the result without touching a message. Renaming Ada would not: she
# has written nothing there.
grace.mutation("profiles:rename", {"name": "Grace Hopper"})
# --8<-- [end:wake-subscription]
