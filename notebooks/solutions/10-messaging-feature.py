# Solutions to the exercises of notebooks/10-messaging-feature.ipynb.
# Each section replaces the exercise cell of the same id.
#
# The worked solution is the reference app's own reactions feature, so these
# cells write its files into your scratch app: read them in snippets/ (they are
# type-checked, linted and tested with the app):
#   snippets/convex/schema.ts               sections reaction_fields and reactions_table
#   snippets/convex/model/repositories/reactions.ts
#   snippets/convex/model/services/reactions.ts
#   snippets/convex/reactions.ts
#   snippets/tests/reactions.test.ts

# --8<-- [start:reactions-table]
from guide_tools.snippets import read_section

REACTION_FIELDS = read_section("convex/schema.ts", "reaction_fields")
REACTIONS_TABLE = read_section("convex/schema.ts", "reactions_table")
if PLAYGROUND:
    capstone.write_schema(app, REACTION_FIELDS, REACTIONS_TABLE)
    print(capstone.load(app, pg))
# --8<-- [end:reactions-table]

# --8<-- [start:reactions-repository]
REPOSITORY_SOURCE = (SNIPPETS / "convex/model/repositories/reactions.ts").read_text(encoding="utf-8")
if PLAYGROUND:
    print(capstone.install(app, pg, "convex/model/repositories/reactions.ts", REPOSITORY_SOURCE))
# --8<-- [end:reactions-repository]

# --8<-- [start:reactions-service]
SERVICE_SOURCE = (SNIPPETS / "convex/model/services/reactions.ts").read_text(encoding="utf-8")
if PLAYGROUND:
    print(capstone.install(app, pg, "convex/model/services/reactions.ts", SERVICE_SOURCE))
# --8<-- [end:reactions-service]

# --8<-- [start:reactions-functions]
PUBLIC_SOURCE = (SNIPPETS / "convex/reactions.ts").read_text(encoding="utf-8")
if PLAYGROUND:
    print(capstone.install(app, pg, "convex/reactions.ts", PUBLIC_SOURCE))
# --8<-- [end:reactions-functions]

# --8<-- [start:reactions-test]
TEST_SOURCE = (SNIPPETS / "tests/reactions.test.ts").read_text(encoding="utf-8")
# --8<-- [end:reactions-test]
