# --8<-- [start:third-member]
# A full name and a greeting of his own: the check looks for Linus's user, not a name.
linus = sign_in({"subject": "linus", "name": "Linus Torvalds", "email": "torvalds@example.com"})
for name, args in [("users:store", {}), ("channels:join", {"channelId": general}),
                   ("messages:send", {"channelId": general, "body": "Talk is cheap. Show me the code."})]:
    linus.mutation(name, args)
# --8<-- [end:third-member]
