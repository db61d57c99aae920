# Solutions to the exercises of notebooks/11-reviewing-a-codebase.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:internal-purge]
# Import internalMutation instead of mutation, and register purgeChannel with it.
new_source = (source
              .replace("import { mutation } from", "import { internalMutation } from")
              .replace("export const purgeChannel = mutation(", "export const purgeChannel = internalMutation("))

write_module(app, "convex/admin.ts", new_source)
scratch.restart()
# --8<-- [end:internal-purge]
