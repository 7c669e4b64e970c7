package netpolicy_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/argusqa/argus/internal/netpolicy"
)

func TestClassify(t *testing.T) {
	for addr, want := range map[string]netpolicy.Class{
		"93.184.215.14":          netpolicy.Public,
		"2606:2800:21f::1":       netpolicy.Public,
		"169.254.169.254":        netpolicy.Metadata,
		"169.254.170.2":          netpolicy.Metadata,
		"fd00:ec2::254":          netpolicy.Metadata,
		"100.100.100.200":        netpolicy.Metadata,
		"192.0.0.192":            netpolicy.Metadata,
		"::ffff:169.254.169.254": netpolicy.Metadata,
		"64:ff9b::a9fe:a9fe":     netpolicy.Metadata, // NAT64 of 169.254.169.254
		"2002:a9fe:a9fe::":       netpolicy.Metadata, // 6to4 of 169.254.169.254
		"127.0.0.1":              netpolicy.Loopback,
		"127.0.0.2":              netpolicy.Loopback,
		"::1":                    netpolicy.Loopback,
		"10.1.2.3":               netpolicy.Private,
		"172.16.0.1":             netpolicy.Private,
		"192.168.1.1":            netpolicy.Private,
		"fc00::1":                netpolicy.Private,
		"169.254.10.1":           netpolicy.LinkLocal,
		"fe80::1":                netpolicy.LinkLocal,
		"100.64.0.1":             netpolicy.CGNAT,
		"0.0.0.0":                netpolicy.Unspecified,
		"::":                     netpolicy.Unspecified,
		"224.0.0.1":              netpolicy.Multicast,
		"255.255.255.255":        netpolicy.Broadcast,
		"64:ff9b::a00:1":         netpolicy.Private,
	} {
		if got := netpolicy.Classify(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Classify(%s) = %q, want %q", addr, got, want)
		}
	}
}

func TestPolicyAllows(t *testing.T) {
	loopback := netip.MustParsePrefix("127.0.0.1/32")
	cases := []struct {
		name   string
		policy netpolicy.Policy
		addr   string
		ok     bool
	}{
		{"public by default", netpolicy.Policy{}, "93.184.215.14", true},
		{"loopback refused by default", netpolicy.Policy{}, "127.0.0.1", false},
		{"private refused by default", netpolicy.Policy{}, "10.0.0.1", false},
		{"private allowed", netpolicy.Policy{AllowPrivate: true}, "10.0.0.1", true},
		{"cgnat allowed with private", netpolicy.Policy{AllowPrivate: true}, "100.64.0.1", true},
		{"metadata never with private", netpolicy.Policy{AllowPrivate: true}, "169.254.169.254", false},
		{"metadata never by cidr", netpolicy.Policy{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("169.254.0.0/16")}}, "169.254.169.254", false},
		{"metadata by cidr when asked", netpolicy.Policy{CIDRsMayAllowMetadata: true, AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("169.254.169.254/32")}}, "169.254.169.254", true},
		{"cidr opens its range", netpolicy.Policy{AllowCIDRs: []netip.Prefix{loopback}}, "127.0.0.1", true},
		{"cidr opens only its range", netpolicy.Policy{AllowCIDRs: []netip.Prefix{loopback}}, "127.0.0.2", false},
		{"mapped address unmapped first", netpolicy.Policy{AllowCIDRs: []netip.Prefix{loopback}}, "::ffff:127.0.0.1", true},
	}
	for _, c := range cases {
		err := c.policy.CheckAddr(netip.MustParseAddr(c.addr))
		if (err == nil) != c.ok {
			t.Errorf("%s: CheckAddr(%s) = %v, want ok=%v", c.name, c.addr, err, c.ok)
		}
		if err != nil && !errors.Is(err, netpolicy.ErrBlocked) {
			t.Errorf("%s: %v does not match ErrBlocked", c.name, err)
		}
	}
}

func TestBlockedErrorSaysWhy(t *testing.T) {
	p := netpolicy.Policy{Hint: "set ARGUS_TARGET_ALLOW_PRIVATE"}
	err := p.CheckAddr(netip.MustParseAddr("10.0.0.1"))
	var be *netpolicy.BlockedError
	if !errors.As(err, &be) || be.Class != netpolicy.Private || be.Detail() != "10.0.0.1 is a private address (set ARGUS_TARGET_ALLOW_PRIVATE)" {
		t.Fatalf("err = %#v (%v)", err, err)
	}
	// No setting opens the metadata service, so none is suggested.
	err = p.CheckAddr(netip.MustParseAddr("169.254.169.254"))
	if !errors.As(err, &be) || be.Detail() != "169.254.169.254 is a cloud metadata address" {
		t.Fatalf("metadata: %v", err)
	}
}

// rebinding answers a public address first and the metadata address after
// that, as a rebinding attacker's name server does.
type rebinding struct{ asked int }

func (r *rebinding) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	r.asked++
	if r.asked == 1 {
		return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
	}
	return []netip.Addr{netip.MustParseAddr("169.254.169.254")}, nil
}

func TestCheckHostResolvesEveryTime(t *testing.T) {
	ctx := t.Context()
	p := netpolicy.Policy{Resolver: &rebinding{}}
	if _, err := p.CheckHost(ctx, "rebind.example.com"); err != nil {
		t.Fatalf("first answer is public: %v", err)
	}
	if _, err := p.CheckHost(ctx, "rebind.example.com"); !errors.Is(err, netpolicy.ErrBlocked) {
		t.Fatalf("second answer is metadata: %v", err)
	}
	if _, err := p.CheckHost(ctx, "[::1]"); !errors.Is(err, netpolicy.ErrBlocked) {
		t.Fatalf("bracketed literal: %v", err)
	}
	mixed := netpolicy.Policy{Resolver: resolverFunc(func() []netip.Addr {
		return []netip.Addr{netip.MustParseAddr("93.184.215.14"), netip.MustParseAddr("10.0.0.1")}
	})}
	if _, err := mixed.CheckHost(ctx, "mixed.example.com"); !errors.Is(err, netpolicy.ErrBlocked) {
		t.Fatalf("mixed answer: %v", err)
	}
	none := netpolicy.Policy{Resolver: resolverFunc(func() []netip.Addr { return nil })}
	if _, err := none.CheckHost(ctx, "nowhere.example.com"); !errors.Is(err, netpolicy.ErrUnresolvable) {
		t.Fatalf("no answer: %v", err)
	}
}

type resolverFunc func() []netip.Addr

func (f resolverFunc) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return f(), nil
}

func TestDialerRefusesBeforeConnecting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skip("no 127.0.0.2 on this machine:", err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()
	// Only 127.0.0.1 is allowed: 127.0.0.2 is the "other" machine.
	p := netpolicy.Policy{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	d := p.Dialer(0)
	if c, err := d.DialContext(t.Context(), "tcp", ln.Addr().String()); !errors.Is(err, netpolicy.ErrBlocked) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("dial 127.0.0.2: %v", err)
	}
	if c, err := p.DialContext(t.Context(), d, "tcp", ln.Addr().String()); !errors.Is(err, netpolicy.ErrBlocked) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("DialContext 127.0.0.2: %v", err)
	}
	select {
	case <-accepted:
		t.Fatal("a refused address got a connection")
	default:
	}
	open := netpolicy.Policy{AllowPrivate: true}
	c, err := open.DialContext(t.Context(), open.Dialer(0), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("allowed dial: %v", err)
	}
	c.Close()
	<-accepted
}

func TestStaticResolver(t *testing.T) {
	r := netpolicy.StaticResolver{
		"metadata.example.com": {netip.MustParseAddr("169.254.169.254")},
		"*.example.com":        {netip.MustParseAddr("93.184.215.14")},
	}
	ctx := t.Context()
	for host, want := range map[string]string{"metadata.example.com": "169.254.169.254", "shop.example.com": "93.184.215.14",
		"a.b.EXAMPLE.com.": "93.184.215.14"} {
		ips, err := r.LookupNetIP(ctx, "ip", host)
		if err != nil || len(ips) != 1 || ips[0].String() != want {
			t.Errorf("%s: %v %v", host, ips, err)
		}
	}
	if _, err := r.LookupNetIP(ctx, "ip", "example.org"); err == nil {
		t.Error("a name outside the table resolved")
	}
	p := netpolicy.Policy{Resolver: r}
	if _, err := p.CheckHost(ctx, "metadata.example.com"); !errors.Is(err, netpolicy.ErrBlocked) {
		t.Errorf("metadata name: %v", err)
	}
}
