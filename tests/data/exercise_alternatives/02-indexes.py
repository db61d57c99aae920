# --8<-- [start:composite-index]
import re

schema_source = (app / "convex" / "schema.ts").read_text()
# Another index name, inserted with a regular expression, and .collect() instead of .take().
new_schema = re.sub(r'(\.index\("by_channel", \["channelId"\]\))',
                    r'\1\n    .index("by_channel_author", ["channelId", "authorId"])', schema_source, count=1)
exercise_module = '''
import { v } from "convex/values";
import { internalQuery } from "./_generated/server";
import schema from "./schema";

export const authorMessages = internalQuery({
  args: { channelId: v.id("channels"), authorId: v.id("users") },
  returns: v.array(schema.doc("messages")),
  handler: (ctx, args) =>
    ctx.db
      .query("messages")
      .withIndex("by_channel_author", (q) => q.eq("channelId", args.channelId).eq("authorId", args.authorId))
      .collect(),
});
'''

if PLAYGROUND and exercise_module is not None:
    write_module(app, "convex/schema.ts", new_schema)
    write_module(app, "convex/exercise.ts", exercise_module)
    lab.restart()
    seed_people()
    grow_to(10_000)
# --8<-- [end:composite-index]
