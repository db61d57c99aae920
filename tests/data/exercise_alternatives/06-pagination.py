# --8<-- [start:export-channel]
def export_channel(client, channel_id, page_size):
    oldest_first, cursor, done = [], None, False
    while not done:
        result = client.query("messages:listPage", {"channelId": channel_id,
                                                      "paginationOpts": {"numItems": page_size, "cursor": cursor}})
        # Each page is newest first: put it, reversed, in front of what we have.
        oldest_first = [m["body"] for m in reversed(result["page"])] + oldest_first
        cursor, done = result["continueCursor"], result["isDone"]
    return oldest_first
# --8<-- [end:export-channel]
