# --8<-- [start:embed-new-message]
def post_findable(client, channel_id, body):
    message_id = client.mutation("messages:send", {"channelId": channel_id, "body": body})
    # Small pages: the backfill walks the channel in several queries and mutations.
    admin().action("search:embedChannel", {"channelId": channel_id, "pageSize": 3})
    return message_id
# --8<-- [end:embed-new-message]
