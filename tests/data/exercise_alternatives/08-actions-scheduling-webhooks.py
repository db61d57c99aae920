# --8<-- [start:cancel-subscription]
if PLAYGROUND:
    cancellation = subscription_event(ada_id, status="canceled",
                                      modified_at="2026-02-15T12:00:00Z", period_end="2026-01-31T00:00:00Z")
    response = deliver("/webhooks/polar", cancellation, "evt_cancel_ada_2026_02", signed=True)
    print(response.status, response.text)
# --8<-- [end:cancel-subscription]
