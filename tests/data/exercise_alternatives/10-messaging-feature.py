# --8<-- [start:second-page]
page_two = ada.query("messages:listPage", {
    "channelId": history,
    "paginationOpts": {"cursor": first_page["continueCursor"], "numItems": len(first_page["page"])},
})["page"]
second_page = list(map(lambda message: message["body"], page_two))
# --8<-- [end:second-page]
