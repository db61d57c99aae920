# Solutions to the exercises of notebooks/06-pagination.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:export-channel]
def export_channel(client, channel_id, page_size):
    bodies, cursor = [], None
    while True:
        result = client.query("messages:listPage", {"channelId": channel_id,
                                                      "paginationOpts": {"numItems": page_size, "cursor": cursor}})
        bodies.extend(m["body"] for m in result["page"])
        if result["isDone"]:
            break
        cursor = result["continueCursor"]
    # listPage walks newest first; an export reads best oldest first.
    return list(reversed(bodies))
# --8<-- [end:export-channel]
