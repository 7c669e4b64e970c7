package suite

import (
	"slices"
	"strings"
	"testing"
)

func TestMatchCover(t *testing.T) {
	for _, tc := range []struct {
		glob, file string
		want       bool
	}{
		{"demo/templates/*.html", "demo/templates/checkout.html", true},
		{"demo/templates/*.html", "demo/templates/admin/users.html", false},
		{"demo/templates/*.html", "demo/templates/checkout.go", false},
		{"web/**/cart*.go", "web/cart.go", true},
		{"web/**/cart*.go", "web/shop/deep/cart_view.go", true},
		{"web/**/cart*.go", "api/cart.go", false},
		{"**/*.css", "static/site.css", true},
		{"**", "anything/at/all", true},
		{"docs/**", "docs", true},
		{"demo/app.go", "./demo/app.go", true},
		{"demo/app.go", "demo/app.go.orig", false},
		{"demo/[a-c]*.go", "demo/b.go", true},
		{"demo/[a-c]*.go", "demo/d.go", false},
		{".github/workflows/*.yml", ".github/workflows/ci.yml", true},
	} {
		if got := MatchCover(tc.glob, tc.file); got != tc.want {
			t.Errorf("MatchCover(%q, %q) = %v; want %v", tc.glob, tc.file, got, tc.want)
		}
	}
}

func TestParseCovers(t *testing.T) {
	tests, err := Parse("t.yaml", []byte("name: Checkout\ngoal: buy\ncovers:\n  - demo/templates/checkout.html\n  - web/**/cart*.go\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"demo/templates/checkout.html", "web/**/cart*.go"}; !slices.Equal(tests[0].Covers, want) {
		t.Fatalf("covers %q", tests[0].Covers)
	}
	if g, ok := tests[0].Covering("web/shop/cart.go"); !ok || g != "web/**/cart*.go" {
		t.Fatalf("Covering: %q %v", g, ok)
	}
	if _, ok := tests[0].Covering("README.md"); ok {
		t.Fatal("README.md covered")
	}
	// The replay key ignores covers, like tags.
	plain, _ := Parse("t.yaml", []byte("name: Checkout\ngoal: buy\n"))
	if plain[0].Hash() != tests[0].Hash() {
		t.Fatal("covers changed the test's hash")
	}

	for src, want := range map[string]string{
		"covers: [/abs/path.go]": "write it relative",
		"covers: [a/../b]":       "an empty, . or .. segment",
		"covers: ['src/a**/b']":  "** must be a whole segment",
		"covers: ['src/[a']":     "is not a valid pattern",
		"covers: [a.go, a.go]":   "is listed twice",
		"covers: a.go":           "covers",
	} {
		_, err := Parse("t.yaml", []byte("name: X\ngoal: y\n"+src+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v; want it to contain %q", src, err, want)
		}
	}
	if _, err := Parse("t.yaml", []byte("name: X\ngoal: y\ncover: [a.go]\n")); err == nil || !strings.Contains(err.Error(), `"covers"`) {
		t.Errorf("synonym cover: %v", err)
	}
}

func TestDraftCovers(t *testing.T) {
	tc, probs := Draft{Name: "x", Goal: "y", Covers: []string{" demo/*.go ", "demo/*.go"}}.Check()
	if tc != nil || len(probs) != 1 || probs[0].Field != "covers[1]" {
		t.Fatalf("duplicate glob: %v %v", tc, probs)
	}
	tc, probs = Draft{Name: "x", Goal: "y", Covers: []string{"demo/*.go"}}.Check()
	if probs != nil || !slices.Equal(tc.Covers, []string{"demo/*.go"}) {
		t.Fatalf("good glob: %v", probs)
	}
}
