# Solutions to the exercises of notebooks/09-search.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:embed-new-message]
def post_findable(client, channel_id, body):
    """Sends `body` to the channel as `client` and returns the new message's id,
    once vector search (`search:similar`) can find it."""
    message_id = client.mutation("messages:send", {"channelId": channel_id, "body": body})
    # Embeddings are not written by the send: run the backfill again (it
    # upserts, so re-running it is safe). It is internal: the admin handle runs it.
    admin().action("search:embedChannel", {"channelId": channel_id})
    return message_id
# --8<-- [end:embed-new-message]
