# --8<-- [start:internal-purge]
import re

# Register purgeChannel with internalMutation, importing it beside mutation in
# case another function of the module still uses mutation.
new_source = re.sub(r"import \{ mutation \} from", "import { internalMutation, mutation } from", source, count=1)
new_source = re.sub(r"purgeChannel = mutation\(", "purgeChannel = internalMutation(", new_source)

write_module(app, "convex/admin.ts", new_source)
scratch.restart()
# --8<-- [end:internal-purge]
