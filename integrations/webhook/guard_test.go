package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/riverqueue/river"

	"github.com/argusqa/argus/integrations/webhook"
)

// fakeDNS answers from a table, and can change its answers, the way a
// rebinding attacker's name server does. It never touches the network.
type fakeDNS struct {
	mu      sync.Mutex
	answers map[string][][]netip.Addr // successive answers; the last repeats
	asked   int
}

func (d *fakeDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked++
	seq := d.answers[host]
	if len(seq) == 0 {
		return nil, errors.New("no such host")
	}
	ans := seq[0]
	if len(seq) > 1 {
		d.answers[host] = seq[1:]
	}
	return ans, nil
}

func addrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, a := range s {
		out = append(out, netip.MustParseAddr(a))
	}
	return out
}

func TestGuardRefusesNonPublicAddresses(t *testing.T) {
	ctx := context.Background()
	dns := &fakeDNS{answers: map[string][][]netip.Addr{
		"hooks.example.com": {addrs("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")},
		"localhost":         {addrs("127.0.0.1", "::1")},
		"mixed.example.com": {addrs("93.184.215.14", "10.1.2.3")},
		"metadata.internal": {addrs("169.254.169.254")},
	}}
	g := webhook.NewGuard(webhook.GuardConfig{Resolver: dns})
	blocked := []string{
		"http://10.0.0.1/hook",
		"http://172.16.5.4/",
		"http://192.168.1.1/",
		"http://127.0.0.1:8080/",
		"http://127.1.2.3/",
		"http://[::1]:8080/",
		"http://localhost/",
		"http://169.254.169.254/latest/meta-data/",
		"http://metadata.internal/",
		"http://[fd00:ec2::254]/",
		"http://100.100.100.200/",
		"http://169.254.10.1/",
		"http://[fe80::1%25eth0]/",
		"http://0.0.0.0/",
		"http://[::]/",
		"http://224.0.0.1/",
		"http://[ff02::1]/",
		"http://255.255.255.255/",
		"http://100.64.0.1/",
		"http://[fc00::1]/",
		"http://[::ffff:10.0.0.1]/",
		"http://[::ffff:127.0.0.1]/",
		"http://[64:ff9b::a00:1]/",
		"http://[2002:a00:1::]/",
		"https://mixed.example.com/",
	}
	for _, u := range blocked {
		if err := g.Validate(ctx, u); !errors.Is(err, webhook.ErrBlockedAddress) {
			t.Errorf("Validate(%s) = %v, want ErrBlockedAddress", u, err)
		}
	}
	for _, u := range []string{"ftp://hooks.example.com/", "hooks.example.com/x", "http:///x", "::", "https://"} {
		if err := g.Validate(ctx, u); !errors.Is(err, webhook.ErrInvalidURL) {
			t.Errorf("Validate(%q) = %v, want ErrInvalidURL", u, err)
		}
	}
	if err := g.Validate(ctx, "https://nowhere.example.com/"); !errors.Is(err, webhook.ErrUnresolvable) {
		t.Errorf("unresolvable: %v", err)
	}
	if err := webhook.Validate(ctx, webhook.GuardConfig{}, "http://10.0.0.1/"); !errors.Is(err, webhook.ErrBlockedAddress) {
		t.Errorf("package Validate: %v", err)
	}
	for _, u := range []string{"https://hooks.example.com/argus", "http://93.184.215.14:8443/x", "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/"} {
		if err := g.Validate(ctx, u); err != nil {
			t.Errorf("Validate(%s) = %v, want nil", u, err)
		}
	}

	// The dialer refuses before it dials (ErrBlockedAddress comes only
	// from the check): these addresses are never contacted.
	for _, addr := range []string{"10.0.0.1:80", "169.254.169.254:80", "[::1]:80", "localhost:443"} {
		conn, err := g.DialContext(ctx, "tcp", addr)
		if conn != nil {
			conn.Close()
		}
		if !errors.Is(err, webhook.ErrBlockedAddress) {
			t.Errorf("DialContext(%s) = %v, want ErrBlockedAddress", addr, err)
		}
	}
}

func TestGuardAllowSettings(t *testing.T) {
	ctx := context.Background()
	private := webhook.NewGuard(webhook.GuardConfig{AllowPrivate: true})
	for _, u := range []string{"http://10.0.0.1/", "http://127.0.0.1/", "http://[::1]/", "http://192.168.0.10/"} {
		if err := private.Validate(ctx, u); err != nil {
			t.Errorf("AllowPrivate: Validate(%s) = %v", u, err)
		}
	}
	// Allowing private networks does not open the metadata service.
	for _, u := range []string{"http://169.254.169.254/", "http://[fd00:ec2::254]/", "http://100.100.100.200/"} {
		if err := private.Validate(ctx, u); !errors.Is(err, webhook.ErrBlockedAddress) {
			t.Errorf("AllowPrivate: Validate(%s) = %v, want ErrBlockedAddress", u, err)
		}
	}
	// An allowlist opens exactly its ranges.
	list := webhook.NewGuard(webhook.GuardConfig{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.2.0/24"), netip.MustParsePrefix("169.254.169.254/32")}})
	for u, want := range map[string]bool{
		"http://10.1.2.3/": true, "http://10.1.3.1/": false, "http://169.254.169.254/": true, "http://127.0.0.1/": false,
		"http://[::ffff:10.1.2.9]/": true,
	} {
		if err := list.Validate(ctx, u); (err == nil) != want {
			t.Errorf("allowlist: Validate(%s) = %v", u, err)
		}
	}
}

// A name that resolved to a public address when the URL was saved and to
// 127.0.0.1 when the delivery connects is refused at connect time: the
// receiver listening on 127.0.0.1 never hears from us.
func TestGuardStopsDNSRebinding(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	port := rcv.addr[strings.LastIndex(rcv.addr, ":")+1:]
	dns := &fakeDNS{answers: map[string][][]netip.Addr{
		"rebind.example.com": {addrs("93.184.215.14"), addrs("127.0.0.1")},
	}}
	cfg := webhook.GuardConfig{Resolver: dns}
	endpoint := "http://rebind.example.com:" + port + "/hook"
	if err := webhook.NewGuard(cfg).Validate(context.Background(), endpoint); err != nil {
		t.Fatalf("at save time the name looked public: %v", err)
	}
	f := newFixture(t, endpoint, webhook.Config{Guard: cfg})
	f.publishAgent(t)
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCancelled {
		t.Fatalf("delivery to a rebound name: %s", ev.Kind)
	}
	select {
	case <-rcv.got:
		t.Fatal("the guard let a delivery through to 127.0.0.1")
	default:
	}
	ds := f.deliveries(t)
	if len(ds) != 1 || ds[0].StatusCode != nil || !strings.Contains(ds[0].Error, "loopback") {
		t.Fatalf("recorded: %+v", ds)
	}
}

// An endpoint stored while the guard allowed it (or written to the
// database directly) is still refused when the delivery is sent.
func TestGuardChecksAtSendTime(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	f := newFixture(t, rcv.url(), webhook.Config{}) // default: public only
	f.publishAgent(t)
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCancelled || ev.Job.Attempt != 1 {
		t.Fatalf("delivery to loopback: %s attempt %d", ev.Kind, ev.Job.Attempt)
	}
	select {
	case <-rcv.got:
		t.Fatal("delivered to 127.0.0.1 without an allow setting")
	default:
	}
	if ds := f.deliveries(t); len(ds) != 1 || !strings.Contains(ds[0].Error, "not allowed") {
		t.Fatalf("recorded: %+v", ds)
	}
}

// FuzzValidate: whatever the URL, Validate never panics, and with every
// name resolving to loopback it accepts only public address literals.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{"https://hooks.example.com/x", "http://10.0.0.1/", "http://[::ffff:7f00:1]/", "http://[64:ff9b::808:808]/",
		"http://8.8.8.8:99999/", "http://%30/", "http://[fe80::1%25en0]/", "http://0x7f.1/", "http://2130706433/", "http://1.1.1.1/"} {
		f.Add(s)
	}
	g := webhook.NewGuard(webhook.GuardConfig{Resolver: resolveAll{netip.MustParseAddr("127.0.0.1")}})
	f.Fuzz(func(t *testing.T, raw string) {
		if err := g.Validate(context.Background(), raw); err != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("accepted unparsable %q", raw)
		}
		ip, err := netip.ParseAddr(u.Hostname())
		if err != nil {
			t.Fatalf("accepted %q, whose host %q resolves to loopback", raw, u.Hostname())
		}
		ip = ip.Unmap()
		if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() {
			t.Fatalf("accepted %q, a non-public address", raw)
		}
	})
}

// resolveAll answers every name with one address.
type resolveAll struct{ ip netip.Addr }

func (r resolveAll) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{r.ip}, nil
}
