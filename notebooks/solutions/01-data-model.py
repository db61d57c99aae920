# Solutions to the exercises of notebooks/01-data-model.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:third-member]
linus = sign_in({"subject": "linus", "name": "Linus", "email": "linus@example.com"})
linus.mutation("users:store")
linus.mutation("channels:join", {"channelId": general})
linus.mutation("messages:send", {"channelId": general, "body": "Hi all, glad to be here."})
# --8<-- [end:third-member]
