// File storage: the client uploads the bytes straight to Convex storage with
// a short-lived upload URL, then records what it uploaded with `save`. The
// `files` table holds metadata and the owner; the bytes stay in storage.
import { v } from "convex/values";
import schema from "./schema";
import { authedMutation, authedQuery } from "./model/functions";
import { platformError } from "./model/platformErrors";

const fileFields = schema.tables.files.validator.fields;
const fileWithUrl = schema.doc("files").extend({ url: v.union(v.string(), v.null()) });

// --8<-- [start:generate_upload_url]
// Step 1: the client asks for an upload URL. Only signed-in users get one,
// so anonymous visitors cannot fill your storage.
export const generateUploadUrl = authedMutation({
  args: {},
  returns: v.string(),
  handler: async (ctx) => {
    return await ctx.storage.generateUploadUrl();
  },
});
// --8<-- [end:generate_upload_url]

// --8<-- [start:save_file]
// Step 3 (step 2 is the client's POST of the bytes to that URL): record the
// upload. Size and content type come from the storage system table, not
// from the client, so the metadata cannot lie about the file.
export const save = authedMutation({
  args: { storageId: fileFields.storageId, name: fileFields.name },
  returns: v.id("files"),
  handler: async (ctx, { storageId, name }) => {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) {
      throw platformError({ code: "INVALID_FILE_NAME", message: "A file name needs 1 to 200 characters." });
    }
    const stored = await ctx.db.system.get("_storage", storageId);
    if (stored === null) {
      throw platformError({ code: "FILE_NOT_FOUND", message: "Nothing was uploaded under this storage id." });
    }
    return await ctx.db.insert("files", {
      ownerId: ctx.user._id,
      storageId,
      name: trimmed,
      contentType: stored.contentType ?? null,
      size: stored.size,
    });
  },
});
// --8<-- [end:save_file]

// --8<-- [start:list_files]
// Serving: `getUrl` returns a URL the browser can load directly. The query
// reads only the caller's rows: the index says so, and the row-level rules
// of `authedQuery` would refuse anyone else's anyway.
export const listMine = authedQuery({
  args: {},
  returns: v.array(fileWithUrl),
  handler: async (ctx) => {
    const files = await ctx.db
      .query("files")
      .withIndex("by_owner", (q) => q.eq("ownerId", ctx.user._id))
      .order("desc")
      .take(100);
    return await Promise.all(files.map(async (file) => ({ ...file, url: await ctx.storage.getUrl(file.storageId) })));
  },
});
// --8<-- [end:list_files]

// --8<-- [start:remove_file]
export const remove = authedMutation({
  args: { fileId: v.id("files") },
  returns: v.null(),
  handler: async (ctx, { fileId }) => {
    // Through the row-level rules, someone else's file reads as null: the
    // same answer as a file that does not exist, so ids cannot be probed.
    const file = await ctx.db.get("files", fileId);
    if (file === null) {
      throw platformError({ code: "FILE_NOT_FOUND", message: "No such file." });
    }
    await ctx.storage.delete(file.storageId);
    await ctx.db.delete("files", fileId);
    return null;
  },
});
// --8<-- [end:remove_file]
