package browser_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/internal/netpolicy"
)

func TestEgressForChecksTheStartURLBeforeABrowserStarts(t *testing.T) {
	policy := loopbackOnly()

	eg, err := browser.EgressFor(t.Context(), policy, browser.AgentTarget{
		BaseURL: "http://127.0.0.1:8080/shop/", StartURL: "http://127.0.0.1:9090/login",
		AllowedOrigins: []string{"https://id.example.test"}, BlockThirdParty: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"http://127.0.0.1:8080", "http://127.0.0.1:9090", "https://id.example.test"}
	if !slices.Equal(eg.Origins, want) || !eg.BlockThirdParty || eg.Addresses != policy {
		t.Fatalf("policy = %+v, want origins %v", eg, want)
	}

	_, err = browser.EgressFor(t.Context(), policy, browser.AgentTarget{BaseURL: "http://127.0.0.2:8080", StartURL: "/"})
	var se *browser.StartURLError
	if !errors.As(err, &se) || se.Blocked == nil || !errors.Is(err, netpolicy.ErrBlocked) {
		t.Fatalf("refused start: err = %#v", err)
	}
	if got, want := err.Error(), "http://127.0.0.2:8080/ is refused by the target policy: 127.0.0.2 is a loopback address"; got != want {
		t.Fatalf("message = %q, want %q", got, want)
	}

	_, err = browser.EgressFor(t.Context(), policy, browser.AgentTarget{BaseURL: "http://127.0.0.1:8080", StartURL: "http://[::1"})
	if !errors.As(err, &se) || se.Blocked != nil || errors.Is(err, netpolicy.ErrBlocked) {
		t.Fatalf("unparseable start: err = %#v", err)
	}
}
