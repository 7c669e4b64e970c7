package suite

import (
	"strings"
	"testing"
)

func TestResolveURL(t *testing.T) {
	cases := []struct{ base, ref, want string }{
		{"http://127.0.0.1:8080", "/login", "http://127.0.0.1:8080/login"},
		{"http://127.0.0.1:8080/", "/login", "http://127.0.0.1:8080/login"},
		{"https://example.com/app", "/login?next=/x#top", "https://example.com/app/login?next=/x#top"},
		{"https://example.com/app/?tenant=1#frag", "/", "https://example.com/app/"},
		{"https://example.com", "https://other.example/x", "https://other.example/x"},
	}
	for _, c := range cases {
		got, err := ResolveURL(c.base, c.ref)
		if err != nil || got != c.want {
			t.Errorf("ResolveURL(%q, %q) = %q, %v; want %q", c.base, c.ref, got, err, c.want)
		}
	}
	bad := []struct{ base, ref, msg string }{
		{"http://h", "login", "write a path starting with /"},
		{"example.com", "/login", "absolute http:// or https:// URL"},
		{"http://h/%zz", "/login", "does not parse"},
		{"http://h", "/%zz", "does not parse"},
	}
	for _, c := range bad {
		_, err := ResolveURL(c.base, c.ref)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ResolveURL(%q, %q) error = %v, want %q", c.base, c.ref, err, c.msg)
		}
	}
}

func TestSplitChord(t *testing.T) {
	for key, want := range map[string]string{
		"Enter":           "Enter",
		"Control+a":       "Control|a",
		"Control+Shift+a": "Control|Shift|a",
		"+":               "+",
		"Control++":       "Control|+",
	} {
		if got := strings.Join(SplitChord(key), "|"); got != want {
			t.Errorf("SplitChord(%q) = %s, want %s", key, got, want)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	if got := SecretPlaceholder("pw"); got != "{{secret.pw}}" {
		t.Errorf("SecretPlaceholder = %s", got)
	}
	ok := []string{"", "plain", "{{secret.a}} and {{secret.B_2}}", "{{other}}", "{{vars.order_id}}", "{{", "}}"}
	for _, s := range ok {
		if err := checkPlaceholders(s); err != nil {
			t.Errorf("checkPlaceholders(%q) = %v", s, err)
		}
	}
	bad := []string{"{{secret.}}", "{{ secret.a }}", "{{secrets.a}}", "{{secret.a-b}}", "{{SECRET.a}}", "{{secret.1a}}", "{{secret." + strings.Repeat("a", 65) + "}}", "{{ var.x }}", "{{vars.a-b}}", "{{ vars.a }}"}
	for _, s := range bad {
		if err := checkPlaceholders(s); err == nil {
			t.Errorf("checkPlaceholders(%q) accepted", s)
		}
	}
	if got := strings.Join(secretNames("{{secret.a}}{{secret.b}}{{secret.a}}"), ","); got != "a,b" {
		t.Errorf("secretNames = %s", got)
	}
}

func TestTestSecrets(t *testing.T) {
	tc := mustParseOne(t, `name: a
goal: Log in as {{secret.user}} with {{secret.pw}}.
checkpoints: ["{{secret.user}} sees the dashboard", "mail to {{secret.inbox}}"]
steps:
  - type "{{secret.pw}}" into "Password"
  - type "{{secret.otp}}" into "Code"
`)
	if got := strings.Join(tc.Secrets(), ","); got != "user,pw,inbox,otp" {
		t.Fatalf("Secrets() = %s", got)
	}
}

func TestSuggest(t *testing.T) {
	cases := map[string]string{
		"clik": "click", "stesp": "steps", "tpye": "type", "expcet": "expect",
		"xyzzy": "", "": "", "checkpoint": "checkpoints",
	}
	cands := []string{"click", "type", "expect", "steps", "checkpoints", "check"}
	for word, want := range cases {
		if got := suggest(word, cands); got != want {
			t.Errorf("suggest(%q) = %q, want %q", word, got, want)
		}
	}
}
