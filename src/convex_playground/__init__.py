"""A local Convex backend for notebooks and tests: no account, no network.

`Playground(app_dir)` runs a Convex app folder on convex-test (Convex's own mock
backend) in a Node sidecar. `connect()` returns the official `convex.ConvexClient`
when `CONVEX_URL` is set, and a playground client otherwise, so a notebook runs
unchanged against a real deployment.
"""

from .connect import connect, default_playground, using_real_deployment
from .errors import (
    AppLoadError,
    ArgumentValidationError,
    CallTimeoutError,
    ConvexError,
    FunctionError,
    InternalFunctionError,
    PlaygroundError,
    SidecarDiedError,
    SubscriptionDroppedError,
    UnknownFunctionError,
)
from .identity import AuthConfig, AuthenticationError, AuthProvider, identity_from_token
from .playground import (
    AdminClient,
    FunctionInfo,
    HttpResponse,
    Playground,
    PlaygroundClient,
    ScheduledRun,
    Subscription,
)
from .records import CallRecord, LogLine, Metrics
from .subscriptions import QuerySetSubscription

__all__ = [
    "AdminClient", "AppLoadError", "ArgumentValidationError", "CallRecord", "CallTimeoutError", "ConvexError",
    "FunctionError", "FunctionInfo", "AuthConfig", "AuthenticationError", "AuthProvider",
    "HttpResponse", "InternalFunctionError", "LogLine", "Metrics", "Playground", "PlaygroundClient",
    "PlaygroundError", "QuerySetSubscription", "ScheduledRun", "SidecarDiedError", "Subscription",
    "SubscriptionDroppedError", "UnknownFunctionError", "connect",
    "default_playground", "identity_from_token", "using_real_deployment",
]
