package browser

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/argusqa/argus/internal/netpolicy"
)

// egressProxy is the only way out of a guarded browser: Chromium starts
// with --proxy-server pointing here (loopback included), so every request
// — documents, frames, subresources, fetch/XHR, WebSocket — arrives as a
// proxy request. The proxy resolves the host itself and dials through the
// address policy's dialer, which checks the address a socket actually
// connects to: a name that resolves to an allowed address for the check
// and to a refused one for the connection (DNS rebinding) is still refused.
//
// The browser never resolves names itself behind an HTTP proxy, so the
// proxy's answer is the only one that counts.
type egressProxy struct {
	ln     net.Listener
	srv    *http.Server
	policy atomic.Pointer[EgressPolicy]
	record func(NetworkEvent)
	logger *slog.Logger
	fwd    *httputil.ReverseProxy

	mu      sync.Mutex
	refused []refusal // recent refusals, newest last
	seq     uint64    // counts refusals
	tunnels sync.WaitGroup
	closed  chan struct{}
}

// refusal is one refused request: the proxy request's URL, or for a
// tunnel its host:port.
type refusal struct {
	seq           uint64
	url, hostPort string
	document      bool   // a tab's navigation, as far as the proxy can tell
	what          string // "GET http://… (reason)"
	reported      bool   // the browser's own error event was matched to it
}

// maxRefusals bounds the refusals kept for matching browser events.
const maxRefusals = 256

// dialTimeout bounds the proxy's connection to a target.
const dialTimeout = 30 * time.Second

// startEgressProxy listens on addr ("127.0.0.1:0" unless the browser runs
// elsewhere) and serves until close.
func startEgressProxy(addr string, p *EgressPolicy, logger *slog.Logger, record func(NetworkEvent)) (*egressProxy, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("browser: egress proxy for the target policy: %w", err)
	}
	x := &egressProxy{ln: ln, record: record, logger: logger, closed: make(chan struct{})}
	x.policy.Store(p)
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           x.dial,
		MaxIdleConnsPerHost:   6,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ForceAttemptHTTP2:     false,
	}
	x.fwd = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL = r.In.URL
			r.Out.Host = r.In.Host
			r.Out.RequestURI = ""
		},
		Transport: transport,
		ErrorLog:  slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			x.answerFailure(w, r, r.Method, r.URL.String(), err)
		},
	}
	x.srv = &http.Server{Handler: x, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelDebug)}
	go func() { _ = x.srv.Serve(ln) }()
	return x, nil
}

// addresses is the address policy in force; a policy without one refuses
// only what every policy refuses: cloud metadata.
func (x *egressProxy) addresses() *netpolicy.Policy {
	if p := x.policy.Load(); p != nil && p.Addresses != nil {
		return p.Addresses
	}
	return &netpolicy.Policy{AllowPrivate: true}
}

// dial connects through the address policy in force, checked again on
// the address the socket uses.
func (x *egressProxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	pol := x.addresses()
	return pol.DialContext(ctx, pol.Dialer(dialTimeout), network, addr)
}

// chromeArgs route every request of the browser through the proxy:
// loopback too (Chromium bypasses proxies for it by default), and no
// WebRTC traffic outside it.
func (x *egressProxy) chromeArgs() []string {
	return []string{
		"--proxy-server=http://" + x.ln.Addr().String(),
		"--proxy-bypass-list=<-loopback>",
		"--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
		"--webrtc-ip-handling-policy=disable_non_proxied_udp",
	}
}

func (x *egressProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		x.tunnel(w, r)
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "this is Argus's egress proxy for one browser session", http.StatusBadRequest)
		return
	}
	p := x.policy.Load()
	// Sec-Fetch-Dest "document" is a tab's navigation (frames say
	// "iframe"); the browser sends it to trustworthy origins such as
	// loopback and HTTPS, which is where it matters.
	nav := r.Header.Get("Sec-Fetch-Dest") == "document"
	if reason := p.check(r.Context(), request{Method: r.Method, URL: r.URL.String(), TopLevel: nav}); reason != "" {
		x.refuse(w, r.Method, r.URL.String(), "", nav, reason)
		return
	}
	x.fwd.ServeHTTP(w, r)
}

// tunnel serves CONNECT: https and wss. Only the host and port are known
// here, so the origin is taken as https://host:port.
func (x *egressProxy) tunnel(w http.ResponseWriter, r *http.Request) {
	hostPort := r.Host
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		http.Error(w, "CONNECT needs host:port", http.StatusBadRequest)
		return
	}
	target := "https://" + net.JoinHostPort(host, port)
	if port == "443" {
		target = "https://" + host
		if strings.Contains(host, ":") {
			target = "https://[" + host + "]"
		}
	}
	p := x.policy.Load()
	if reason := p.check(r.Context(), request{Method: "CONNECT", URL: target + "/"}); reason != "" {
		x.refuse(w, "CONNECT", target, hostPort, false, reason)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), dialTimeout)
	upstream, err := x.dial(ctx, "tcp", hostPort)
	cancel()
	if err != nil {
		x.answerFailure(w, r, "CONNECT", target, err)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		upstream.Close()
		http.Error(w, "tunnels need HTTP/1.1", http.StatusInternalServerError)
		return
	}
	client, buf, err := hj.Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	if _, err := client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		client.Close()
		upstream.Close()
		return
	}
	x.tunnels.Add(1)
	go func() {
		defer x.tunnels.Done()
		splice(client, buf, upstream, x.closed)
	}()
}

// splice copies both ways until either side ends or the proxy closes.
func splice(client net.Conn, buffered io.Reader, upstream net.Conn, closed <-chan struct{}) {
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(upstream, buffered); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, upstream); done <- struct{}{} }()
	select {
	case <-done:
	case <-closed:
	}
	client.Close()
	upstream.Close()
	<-done
}

// answerFailure reports a connection the address policy refused at dial
// time (after the proxy's own resolution) as a refusal, and any other
// failure as a bad gateway.
func (x *egressProxy) answerFailure(w http.ResponseWriter, r *http.Request, method, target string, err error) {
	var be *netpolicy.BlockedError
	if errors.As(err, &be) {
		hostPort := ""
		if method == "CONNECT" {
			hostPort = r.Host
		}
		x.refuse(w, method, target, hostPort, false, be.Detail())
		return
	}
	http.Error(w, "Argus egress proxy: "+err.Error(), http.StatusBadGateway)
}

// refuse answers 403 and records the refusal as the request's network
// event.
func (x *egressProxy) refuse(w http.ResponseWriter, method, target, hostPort string, nav bool, reason string) {
	shown := redactedURL(target)
	x.mu.Lock()
	x.seq++
	x.refused = append(x.refused, refusal{seq: x.seq, url: target, hostPort: hostPort, document: nav,
		what: fmt.Sprintf("%s %s (%s)", method, shown, reason)})
	if len(x.refused) > maxRefusals {
		x.refused = x.refused[len(x.refused)-maxRefusals:]
	}
	x.mu.Unlock()
	if browserService(target) {
		// Chromium's own call home, not the page's: refused like any
		// other, but no evidence about the application. Were a page to
		// make it, the browser's own event for it is still recorded.
		x.logger.Debug("refused a request of the browser's own services", "request", method+" "+shown)
	} else {
		x.record(NetworkEvent{Time: time.Now(), Method: method, URL: clipText(shown), Blocked: clipText(reason), Document: nav})
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, "blocked by Argus's target policy: %s %s (%s)\n", method, shown, reason)
}

// browserServiceHosts are where Chromium's own services call (sign-in,
// password and autofill services, component and model downloads) even
// with those switched off as far as flags and preferences go: "*." entries
// match any subdomain.
var browserServiceHosts = []string{
	"accounts.google.com", "android.clients.google.com", "*.gvt1.com", "*.gvt2.com",
	"content-autofill.googleapis.com", "passwordsleakcheck-pa.googleapis.com", "optimizationguide-pa.googleapis.com",
	"update.googleapis.com", "safebrowsing.googleapis.com", "clientservices.googleapis.com",
}

// browserService reports whether target (a URL, or https://host:port of
// a tunnel) is one of browserServiceHosts or clientsN.google.com.
func browserService(target string) bool {
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if strings.HasPrefix(host, "clients") && strings.HasSuffix(host, ".google.com") {
		return true
	}
	for _, h := range browserServiceHosts {
		if host == h || (strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:])) {
			return true
		}
	}
	return false
}

// hostPort is u's host and port, the port filled in from the scheme.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "443"
	if u.Scheme == "http" || u.Scheme == "ws" {
		port = "80"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// matchesRefusal reports (once) whether a network event of the browser is
// the failure of a request the proxy refused, so it is not recorded twice.
func (x *egressProxy) matchesRefusal(e NetworkEvent) bool {
	u, err := url.Parse(e.URL)
	if err != nil {
		return false
	}
	hp := hostPort(u)
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range x.refused {
		r := &x.refused[i]
		if !r.reported && (r.url == e.URL || (r.hostPort != "" && r.hostPort == hp && e.Status == 0)) {
			r.reported = true
			return true
		}
	}
	return false
}

// mark returns a position to ask refusedSince about.
func (x *egressProxy) mark() uint64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.seq
}

// refusedSince returns ErrBlocked describing a refusal after mark that
// ended a navigation: a document request, or a request for target's URL
// or (over HTTPS) its host.
func (x *egressProxy) refusedSince(mark uint64, target string) error {
	var hp string
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		hp = hostPort(u)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := len(x.refused) - 1; i >= 0 && x.refused[i].seq > mark; i-- {
		r := x.refused[i]
		if r.document || (target != "" && r.url == target) || (hp != "" && r.hostPort == hp) {
			return fmt.Errorf("%w: %s", ErrBlocked, r.what)
		}
	}
	return nil
}

// refuseNavigation checks a navigation the agent asked for as a tab's
// navigation, and records it when refused.
func (x *egressProxy) refuseNavigation(ctx context.Context, u *url.URL) error {
	reason := x.policy.Load().check(ctx, request{Method: http.MethodGet, URL: u.String(), TopLevel: true})
	if reason == "" {
		return nil
	}
	shown := u.Redacted()
	x.record(NetworkEvent{Time: time.Now(), Method: http.MethodGet, URL: clipText(shown), Blocked: clipText(reason), Document: true})
	return fmt.Errorf("%w: GET %s (%s)", ErrBlocked, shown, reason)
}

// offOrigin reports a tab showing an HTTPS page outside the allowed
// origins, and records it as a refused navigation. Over HTTPS the proxy
// sees only a tunnel's host and port, which a page's subresources share
// with a navigation, so a link or a redirect to another origin on an
// allowed address cannot be refused when it is made; it is caught here,
// when the page is observed, before the agent acts on it. (HTTP pages are
// refused by the proxy itself, and refused addresses never connect.)
func (x *egressProxy) offOrigin(ctx context.Context, pageURL string) (what string) {
	u, err := url.Parse(pageURL)
	if err != nil || u.Scheme != "https" {
		return ""
	}
	reason := x.policy.Load().check(ctx, request{Method: http.MethodGet, URL: pageURL, TopLevel: true})
	if reason == "" {
		return ""
	}
	shown := u.Redacted()
	x.record(NetworkEvent{Time: time.Now(), Method: http.MethodGet, URL: clipText(shown), Blocked: clipText(reason), Document: true})
	return fmt.Sprintf("GET %s (%s)", shown, reason)
}

func (x *egressProxy) close() {
	close(x.closed)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = x.srv.Shutdown(ctx)
	_ = x.srv.Close()
	x.tunnels.Wait()
	if t, ok := x.fwd.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
}

// redactedURL hides a URL's password, which a page may put there.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}
