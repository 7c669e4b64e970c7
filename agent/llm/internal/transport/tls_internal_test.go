package transport

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The trust center promises TLS 1.3 on all connections.
func TestTLS13Required(t *testing.T) {
	for _, tc := range []struct {
		maxVersion uint16
		ok         bool
	}{
		{tls.VersionTLS12, false},
		{tls.VersionTLS13, true},
	} {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		srv.TLS = &tls.Config{MaxVersion: tc.maxVersion}
		srv.StartTLS()
		c := NewClient(time.Minute)
		base := c.Transport.(*recorder).base.(*http.Transport)
		roots := x509.NewCertPool()
		roots.AddCert(srv.Certificate())
		base.TLSClientConfig.RootCAs = roots // trust the test server, keep the policy
		resp, err := c.Get(srv.URL)
		if err == nil {
			resp.Body.Close()
		}
		if (err == nil) != tc.ok {
			t.Errorf("server max TLS %x: err = %v, want ok=%v", tc.maxVersion, err, tc.ok)
		}
		srv.Close()
	}
}
