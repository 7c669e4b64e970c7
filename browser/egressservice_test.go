package browser

import "testing"

// The browser's own service calls are refused without becoming evidence
// about the application; everything else a page asks for is recorded.
func TestBrowserServiceRequestsAreNotTheApplications(t *testing.T) {
	for target, want := range map[string]bool{
		"https://accounts.google.com:443":                  true,
		"https://content-autofill.googleapis.com:443":      true,
		"https://redirector.gvt1.com:443":                  true,
		"https://r3---sn-4g5e6nzz.gvt1.com/edgedl/x":       true,
		"http://clients2.google.com/time/1/current":        true,
		"https://fonts.googleapis.com:443":                 false,
		"https://www.google.com/recaptcha/api.js":          false,
		"https://shop.example.com/api":                     false,
		"http://127.0.0.2:8080/":                           false,
		"https://accounts.google.com.evil.example.com:443": false,
	} {
		if got := browserService(target); got != want {
			t.Errorf("browserService(%q) = %v, want %v", target, got, want)
		}
	}
}
