package netpolicy

import "net/netip"

// Class names why an address is not public unicast.
type Class string

// Address classes. Public is the empty class.
const (
	Public      Class = ""
	Metadata    Class = "cloud metadata"
	Invalid     Class = "invalid"
	Unspecified Class = "unspecified"
	Loopback    Class = "loopback"
	Private     Class = "private"
	LinkLocal   Class = "link-local"
	Multicast   Class = "multicast"
	Broadcast   Class = "broadcast"
	CGNAT       Class = "shared (carrier-grade NAT)"
)

// Ranges that are not reachable public unicast addresses, beyond what
// netip's predicates cover (RFC 6890 and the IANA special-purpose
// registries).
var reserved = []struct {
	prefix netip.Prefix
	class  Class
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), CGNAT},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

// metadata lists cloud instance-metadata services: AWS, GCP, Azure and
// OpenStack use 169.254.169.254 (AWS also fd00:ec2::254, ECS
// 169.254.170.2), Alibaba 100.100.100.200, Oracle 192.0.0.192.
var metadata = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"),
	netip.MustParseAddr("169.254.170.2"),
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("100.100.100.200"),
	netip.MustParseAddr("192.0.0.192"),
}

// IPv6 prefixes that carry an IPv4 address a gateway would connect to.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// Classify returns the class of ip: Public for public unicast addresses,
// Metadata for cloud metadata services (also inside IPv4-mapped, NAT64 and
// 6to4 addresses), otherwise the special-purpose class it belongs to.
func Classify(ip netip.Addr) Class {
	ip = ip.WithZone("").Unmap()
	if IsMetadata(ip) {
		return Metadata
	}
	if v4, ok := embedded(ip); ok {
		if c := Classify(v4); c != Public {
			return c
		}
	}
	switch {
	case !ip.IsValid():
		return Invalid
	case ip.IsUnspecified():
		return Unspecified
	case ip.IsLoopback():
		return Loopback
	case ip.IsPrivate():
		return Private
	case ip.IsLinkLocalUnicast():
		return LinkLocal
	case ip.IsMulticast():
		return Multicast
	case ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return Broadcast
	}
	for _, r := range reserved {
		if r.prefix.Contains(ip) {
			return r.class
		}
	}
	return Public
}

// IsMetadata reports whether ip is a cloud instance-metadata address, or
// an IPv6 address that embeds one.
func IsMetadata(ip netip.Addr) bool {
	ip = ip.WithZone("").Unmap()
	for _, m := range metadata {
		if ip == m {
			return true
		}
	}
	if v4, ok := embedded(ip); ok {
		return IsMetadata(v4)
	}
	return false
}

// embedded returns the IPv4 address inside a NAT64 or 6to4 address.
func embedded(ip netip.Addr) (netip.Addr, bool) {
	if !ip.Is6() {
		return netip.Addr{}, false
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}
