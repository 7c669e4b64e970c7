// Package posthog sends Argus's one product-analytics event, agent_completed,
// to PostHog with the official client library, posthog-go.
//
// The event carries exactly agent_id, model, success, iterations,
// tokens_used and tenant_id, as the trust-center page promises: no test
// names, URLs, summaries or anything else a customer typed. posthog-go adds
// $lib ("posthog-go") and $lib_version to every capture and offers no way to
// leave them out; they describe the sender, not the customer. The event's
// distinct_id is the tenant id and its uuid the agent id, so PostHog drops
// a duplicate if an agent's completion is reported twice.
//
// Tracking is off unless ARGUS_POSTHOG_KEY is set: New returns Nop then.
package posthog
