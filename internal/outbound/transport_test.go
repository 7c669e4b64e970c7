package outbound

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestTransportLimitsFromSpec(t *testing.T) {
	tr := NewTransport()
	if tr.MaxIdleConns != 100 || tr.MaxIdleConnsPerHost != 20 || tr.IdleConnTimeout != 90*time.Second {
		t.Fatalf("transport limits %d/%d/%v, spec says 100/20/90s", tr.MaxIdleConns, tr.MaxIdleConnsPerHost, tr.IdleConnTimeout)
	}
}

// TestClientReusesConnections checks that sequential requests through the
// shared transport ride on one connection.
func TestClientReusesConnections(t *testing.T) {
	var mu sync.Mutex
	conns := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conns[r.RemoteAddr] = true
		mu.Unlock()
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	c := Client(5 * time.Second)
	for range 5 {
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = resp.Body.Read(make([]byte, 8))
		resp.Body.Close()
	}
	if len(conns) != 1 {
		t.Fatalf("5 sequential requests used %d connections, want 1", len(conns))
	}
}
