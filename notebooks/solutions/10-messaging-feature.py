# Solutions to the exercises of notebooks/10-messaging-feature.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:second-page]
next_page = ada.query("messages:listPage", {
    "channelId": history,
    "paginationOpts": {"numItems": 5, "cursor": first_page["continueCursor"]},
})
second_page = [m["body"] for m in next_page["page"]]
# --8<-- [end:second-page]
