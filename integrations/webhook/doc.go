// Package webhook delivers Argus's results to a project's HTTP endpoint,
// signed the way Standard Webhooks specifies, so a receiver verifies them
// with any Standard Webhooks library.
//
// Every delivery carries three headers:
//
//	webhook-id:        msg_… — the same on every attempt of one event
//	webhook-timestamp: Unix seconds of this attempt
//	webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>
//
// where key is the base64-decoded part of the project's secret after
// "whsec_". While a secret rotation is under way the header lists one
// signature per secret, separated by a space, so receivers holding either
// secret accept the delivery.
//
// Delivery is a River job (kind "webhook_deliver", queue "webhooks"): each
// attempt times out after 10 s, a 2xx answer is success, 410 Gone disables
// the endpoint, and anything else is retried with exponential backoff over
// about 24 hours (8 attempts). Every attempt is recorded with
// store.RecordDelivery.
//
// An outbound guard refuses endpoints on loopback, private, link-local,
// unspecified, multicast, reserved and cloud-metadata addresses, both when
// a URL is saved (Guard.Validate) and on every connection (the dialer checks
// the address it actually connects to), so DNS rebinding cannot get past it.
package webhook
