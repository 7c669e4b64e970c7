package netpolicy_test

import (
	"fmt"
	"net/netip"

	"github.com/argusqa/argus/internal/netpolicy"
)

// A server's target policy: public addresses only, plus one internal
// network the operator allows. The metadata service stays closed.
func ExamplePolicy_CheckAddr() {
	p := netpolicy.Policy{
		AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")},
		Hint:       "set ARGUS_TARGET_ALLOW_PRIVATE or ARGUS_TARGET_ALLOW_CIDRS to allow it",
	}
	for _, a := range []string{"93.184.215.14", "10.20.1.5", "192.168.1.1", "169.254.169.254"} {
		fmt.Println(a, p.CheckAddr(netip.MustParseAddr(a)))
	}
	// Output:
	// 93.184.215.14 <nil>
	// 10.20.1.5 <nil>
	// 192.168.1.1 address not allowed: 192.168.1.1 is a private address (set ARGUS_TARGET_ALLOW_PRIVATE or ARGUS_TARGET_ALLOW_CIDRS to allow it)
	// 169.254.169.254 address not allowed: 169.254.169.254 is a cloud metadata address
}
