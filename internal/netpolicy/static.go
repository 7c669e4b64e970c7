package netpolicy

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
)

// StaticResolver answers from a table and never sends a query: names are
// matched case-insensitively, a "*." entry matches every subdomain, and
// anything else does not resolve. Tests use it to keep name lookups off
// the network, and to make a name resolve to a refused address on purpose.
type StaticResolver map[string][]netip.Addr

// LookupNetIP implements Resolver.
func (r StaticResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if ips, ok := r[host]; ok {
		return ips, nil
	}
	for name := host; ; {
		_, rest, ok := strings.Cut(name, ".")
		if !ok {
			break
		}
		if ips, ok := r["*."+rest]; ok {
			return ips, nil
		}
		name = rest
	}
	return nil, fmt.Errorf("%s: no such host in the static table", host)
}
