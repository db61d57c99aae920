# Solutions to the exercises of notebooks/02-indexes.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:composite-index]
schema_source = (app / "convex" / "schema.ts").read_text()
# Equality fields first; Convex appends _creationTime (and _id) itself.
new_schema = schema_source.replace(
    '.index("by_channel", ["channelId"])',
    '.index("by_channel", ["channelId"])\n    .index("by_channel_and_author", ["channelId", "authorId"])',
    1,
)
exercise_module = '''
import { v } from "convex/values";
import { internalQuery } from "./_generated/server";
import schema from "./schema";

export const authorMessages = internalQuery({
  args: { channelId: v.id("channels"), authorId: v.id("users") },
  returns: v.array(schema.doc("messages")),
  handler: async (ctx, { channelId, authorId }) => {
    return await ctx.db
      .query("messages")
      .withIndex("by_channel_and_author", (q) => q.eq("channelId", channelId).eq("authorId", authorId))
      .take(100);
  },
});
'''

if PLAYGROUND and exercise_module is not None:
    write_module(app, "convex/schema.ts", new_schema)
    write_module(app, "convex/exercise.ts", exercise_module)
    lab.restart()
    seed_people()
    grow_to(10_000)
# --8<-- [end:composite-index]
