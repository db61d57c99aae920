# Solutions to the exercises of notebooks/09-search.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:embed-new-message]
NEW_BODY = "The staging database needs a bigger disk"
new_message = grace.mutation("messages:send", {"channelId": general, "body": NEW_BODY})
# Embeddings are not updated by the send: run the backfill again (it skips
# nothing, but upserts, so re-running it is safe).
if PLAYGROUND:
    admin().action("search:embedChannel", {"channelId": general})
# --8<-- [end:embed-new-message]
