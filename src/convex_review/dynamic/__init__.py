"""The dynamic pass's parts: values from validators, seeding, arguments, calls, and the rules on what they measured.

`convex_review.dynamic_pass.run_dynamic` runs them in order; each module can be used and tested on its own.
"""
