// Requests' time limits, on one timer.
//
// A request from Python may say how long it may take (timeoutMs); nearly every
// request ends long before. Starting and clearing a timer per request costs
// more than the rest of the sidecar's bookkeeping for a small call, so one
// timer serves every request: arming it again restarts it (Timeout.refresh(),
// no new timer) and disarming only forgets what to do when it fires.
// Requests run one at a time (lock.mjs), so one watch at a time is enough.

/** A watch on the running request: `arm(ms, onExpire)` when it starts, `disarm()` when it is answered. */
export function createWatchdog() {
  let timer = null;
  let timerMs = 0;
  let onExpire = null;
  const fire = () => {
    const expire = onExpire;
    onExpire = null;
    expire?.();
  };
  return {
    arm(ms, expire) {
      onExpire = expire;
      if (timer !== null && timerMs === ms) {
        timer.refresh();
        return;
      }
      if (timer !== null) clearTimeout(timer);
      timerMs = ms;
      timer = setTimeout(fire, ms);
      timer.unref(); // a watch never keeps the sidecar alive by itself
    },
    disarm() {
      onExpire = null;
    },
  };
}
