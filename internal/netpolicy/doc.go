// Package netpolicy is Argus's one address policy for connections it makes
// or lets others make on its behalf: the browser an agent drives (the
// target policy) and webhook deliveries.
//
// An address is either public unicast, or it falls in a class that a
// process inside the server's network must not reach by default: loopback,
// private, link-local, carrier-grade NAT, unspecified, multicast and the
// other special-purpose ranges of RFC 6890. Cloud instance-metadata
// addresses are a class of their own: they hand out the machine's
// credentials to whoever asks, so a Policy refuses them whatever else it
// allows.
//
// Checks happen after name resolution, on the address a connection is
// about to use (see Policy.DialContext), so a name that resolves to a
// public address when a URL is saved and to a private one later (DNS
// rebinding) is still refused.
package netpolicy
