package agent

import (
	"testing"

	"github.com/argusqa/argus/suite"
)

func TestReplayNavigationsArePortable(t *testing.T) {
	cases := []struct{ base, in, want string }{
		{"http://127.0.0.1:4000", "http://127.0.0.1:4000/products?q=mouse", "/products?q=mouse"},
		{"http://127.0.0.1:4000/", "http://127.0.0.1:4000", "/"},
		{"http://host/app", "http://host/app/login?next=/", "/login?next=/"},
		{"http://host/app", "http://host/other", "http://host/other"},
		{"http://127.0.0.1:4000", "https://accounts.example.com/sso", "https://accounts.example.com/sso"},
	}
	for _, c := range cases {
		got := portable([]ReplayStep{{Step: navigateStep(c.in)}}, c.base)[0].Step.Value
		if got != c.want {
			t.Errorf("portable(%q, base %q) = %q, want %q", c.in, c.base, got, c.want)
		}
		if abs, err := suite.ResolveURL(c.base, got); err != nil || (abs != c.in && abs != c.in+"/") {
			t.Errorf("%q resolves back to %q (%v), want %q", got, abs, err, c.in)
		}
	}
}
