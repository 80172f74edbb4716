/**
 * The token buckets with the documented per-second limits, on a controlled clock.
 */
import { DOCUMENTED_LIMITS } from "arm-managed-identity/emulator";
import { Throttler } from "../../src/emulator/throttling.js";

it("uses the documented limits per tenant, subscription and resource", () => {
  expect(DOCUMENTED_LIMITS).toEqual({
    write: { tenant: 10, subscription: 2, resource: 0.25 },
    read: { tenant: 30, subscription: 10, resource: 0.5 },
    list: { tenant: 15, subscription: 5, resource: 0.25 },
    delete: { tenant: 10, subscription: 2, resource: 0.25 },
  });
});

it("refuses a second write to one resource within 4 s and says when to retry", () => {
  let now = 0;
  const throttler = new Throttler({}, () => now);
  const keys = { tenant: "t", subscription: "s", resource: "r" };
  expect(throttler.take("write", keys)).toBeUndefined();
  expect(throttler.take("write", keys)).toEqual({ scope: "resource", retryAfterSeconds: 4 });
  now = 3000;
  expect(throttler.take("write", keys)).toEqual({ scope: "resource", retryAfterSeconds: 1 });
  now = 4000;
  expect(throttler.take("write", keys)).toBeUndefined();
});

it("refuses the third write per second in a subscription and the eleventh in a tenant", () => {
  let now = 0;
  const throttler = new Throttler({}, () => now);
  expect(throttler.take("write", { tenant: "t", subscription: "s1", resource: "a" })).toBeUndefined();
  expect(throttler.take("write", { tenant: "t", subscription: "s1", resource: "b" })).toBeUndefined();
  expect(throttler.take("write", { tenant: "t", subscription: "s1", resource: "c" })).toEqual({ scope: "subscription", retryAfterSeconds: 1 });
  // Other subscriptions of the tenant share the tenant's 10 per second.
  for (let i = 0; i < 8; i++) expect(throttler.take("write", { tenant: "t", subscription: `other-${i}`, resource: `x${i}` })).toBeUndefined();
  expect(throttler.take("write", { tenant: "t", subscription: "another", resource: "y" })).toEqual({ scope: "tenant", retryAfterSeconds: 1 });
  now = 1000;
  expect(throttler.take("write", { tenant: "t", subscription: "another", resource: "y" })).toBeUndefined();
});

it("accepts custom limits and a longer burst", () => {
  const throttler = new Throttler({ limits: { read: { resource: 2 } }, burstSeconds: 2 }, () => 0);
  const keys = { tenant: "t", subscription: "s", resource: "r" };
  for (let i = 0; i < 4; i++) expect(throttler.take("read", keys)).toBeUndefined();
  expect(throttler.take("read", keys)?.scope).toBe("resource");
  expect(throttler.remaining("read", "s")).toBe(16);
});
