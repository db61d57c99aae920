# Solutions to the exercises of notebooks/08-actions-scheduling-webhooks.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:cancel-subscription]
if PLAYGROUND:
    cancellation = subscription_event(ada_id, status="canceled",
                                      modified_at="2026-03-01T00:00:00Z",  # newer than the activation
                                      period_end="2026-01-31T00:00:00Z")    # paid period already over
    response = deliver("/webhooks/polar", cancellation, "evt_cancel_1")      # signed, with a fresh message id
    print(response.status, response.text)
# --8<-- [end:cancel-subscription]
