// Package m365test is an in-process Microsoft identity platform token
// endpoint and Graph mailbox speaking their wire formats, for tests of code
// that uses integrations/m365 with golang.org/x/oauth2 on its side.
package m365test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fake is an in-process Entra ID token endpoint and Graph mailbox
// speaking their wire formats: form-encoded OAuth 2.0 token requests with
// JSON answers and OAuth errors, and Graph's OData query options and JSON
// (value arrays, @odata.context, OData error bodies).
type Fake struct {
	t testing.TB
	// Srv serves both the token endpoint (/{tenant}/oauth2/v2.0/token) and
	// Graph (/v1.0/…).
	Srv *httptest.Server

	// Tenant, ClientID and ClientSecret are the app registration's; Redirect
	// is its registered redirect URL (settable before the first sign-in).
	Tenant, ClientID, ClientSecret, Redirect string

	mu       sync.Mutex
	messages map[string][]map[string]any // by mailbox ("me" for the signed-in user)
	codes    map[string]bool             // authorization codes not yet redeemed
	refresh  map[string]bool             // refresh tokens still valid
	access   map[string]string           // access token → mailbox it may read ("*" app-only)
	queries  []url.Values                // Graph query options received
	grants   []string                    // grant_type of every token request
	issued   int
	// RotateRefreshTokens issues a new refresh token on every refresh, as
	// Microsoft does, and invalidates the old one.
	RotateRefreshTokens bool
}

// New starts a fake for one app registration of tenant contoso.onmicrosoft.com.
func New(t testing.TB) *Fake {
	f := &Fake{t: t, Tenant: "contoso.onmicrosoft.com", ClientID: "11111111-2222-3333-4444-555555555555",
		ClientSecret: "fake~client~secret", Redirect: "http://127.0.0.1/oauth/m365/callback",
		messages: map[string][]map[string]any{}, codes: map[string]bool{}, refresh: map[string]bool{}, access: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", f.token)
	mux.HandleFunc("GET /v1.0/users/{user}/messages", func(w http.ResponseWriter, r *http.Request) { f.list(w, r, r.PathValue("user")) })
	mux.HandleFunc("GET /v1.0/me/messages", func(w http.ResponseWriter, r *http.Request) { f.list(w, r, "me") })
	f.Srv = httptest.NewServer(mux)
	t.Cleanup(f.Srv.Close)
	return f
}

func (f *Fake) oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func (f *Fake) token(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		f.oauthError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: body must be form-encoded, got "+ct)
		return
	}
	if err := r.ParseForm(); err != nil {
		f.oauthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	if r.PathValue("tenant") != f.Tenant {
		f.oauthError(w, http.StatusBadRequest, "invalid_tenant", "AADSTS90002: Tenant not found.")
		return
	}
	if r.PostForm.Get("client_id") != f.ClientID || r.PostForm.Get("client_secret") != f.ClientSecret {
		f.oauthError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	grant := r.PostForm.Get("grant_type")
	f.grants = append(f.grants, grant)
	answer := map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599}
	f.issued++
	at := fmt.Sprintf("eyJ0eXAi.fake-access-%d", f.issued)
	switch grant {
	case "client_credentials":
		if r.PostForm.Get("scope") != "https://graph.microsoft.com/.default" {
			f.oauthError(w, http.StatusBadRequest, "invalid_scope", "AADSTS1002012: client credentials need the .default scope")
			return
		}
		f.access[at] = "*"
	case "authorization_code":
		code := r.PostForm.Get("code")
		if !f.codes[code] || r.PostForm.Get("redirect_uri") != f.Redirect {
			f.oauthError(w, http.StatusBadRequest, "invalid_grant", "AADSTS70008: The provided authorization code or refresh token has expired or was already redeemed.")
			return
		}
		delete(f.codes, code)
		f.access[at] = "me"
		answer["refresh_token"] = f.newRefreshLocked()
		answer["scope"] = "https://graph.microsoft.com/Mail.Read"
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !f.refresh[rt] {
			f.oauthError(w, http.StatusBadRequest, "invalid_grant", "AADSTS700082: The refresh token has expired due to inactivity.")
			return
		}
		f.access[at] = "me"
		if f.RotateRefreshTokens {
			delete(f.refresh, rt)
			answer["refresh_token"] = f.newRefreshLocked()
		}
	default:
		f.oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "AADSTS70003: unsupported grant type "+grant)
		return
	}
	answer["access_token"] = at
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(answer)
}

func (f *Fake) newRefreshLocked() string {
	f.issued++
	rt := fmt.Sprintf("0.AAAA-fake-refresh-%d", f.issued)
	f.refresh[rt] = true
	return rt
}

// Authorize plays the person signing in: it returns the code Microsoft
// would put on the redirect for this authorization URL.
func (f *Fake) Authorize(t testing.TB, authURL string) (code, state string) {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/"+f.Tenant+"/oauth2/v2.0/authorize" || q.Get("response_type") != "code" || q.Get("client_id") != f.ClientID ||
		q.Get("redirect_uri") != f.Redirect || !strings.Contains(q.Get("scope"), "offline_access") || !strings.Contains(q.Get("scope"), "Mail.Read") {
		t.Fatalf("authorization URL: %s", authURL)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issued++
	code = fmt.Sprintf("0.AUTHCODE-%d", f.issued)
	f.codes[code] = true
	return code, q.Get("state")
}

func (f *Fake) graphError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]string{"date": time.Now().UTC().Format(time.RFC3339), "request-id": "00000000-0000-0000-0000-000000000000"}}})
}

var filterRe = regexp.MustCompile(`^receivedDateTime ge (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$`)

func (f *Fake) list(w http.ResponseWriter, r *http.Request, mailbox string) {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	allowed, known := f.access[auth]
	f.mu.Unlock()
	if !ok || !known {
		f.graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty or invalid.")
		return
	}
	if allowed != "*" && allowed != mailbox {
		f.graphError(w, http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
		return
	}
	if allowed == "*" && mailbox == "me" {
		f.graphError(w, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		return
	}
	// Graph reads query options from the raw query: a literal + in $filter
	// would be a plus sign, not a space.
	if strings.Contains(r.URL.RawQuery, "+") {
		f.graphError(w, http.StatusBadRequest, "BadRequest", "Invalid filter clause")
		return
	}
	q := r.URL.Query()
	f.mu.Lock()
	f.queries = append(f.queries, q)
	f.mu.Unlock()
	m := filterRe.FindStringSubmatch(q.Get("$filter"))
	if m == nil {
		f.graphError(w, http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+q.Get("$filter"))
		return
	}
	since, _ := time.Parse(time.RFC3339, m[1])
	top, err := strconv.Atoi(q.Get("$top"))
	if err != nil || top < 1 || top > 1000 {
		f.graphError(w, http.StatusBadRequest, "BadRequest", "Invalid $top")
		return
	}
	if q.Get("$orderby") != "receivedDateTime desc" {
		f.graphError(w, http.StatusBadRequest, "BadRequest", "unexpected $orderby "+q.Get("$orderby"))
		return
	}
	sel := strings.Split(q.Get("$select"), ",")
	f.mu.Lock()
	all := slices.Clone(f.messages[mailbox])
	f.mu.Unlock()
	slices.SortFunc(all, func(a, b map[string]any) int {
		return strings.Compare(b["receivedDateTime"].(string), a["receivedDateTime"].(string))
	})
	var value []map[string]any
	for _, msg := range all {
		rt, _ := time.Parse(time.RFC3339, msg["receivedDateTime"].(string))
		if rt.Before(since) || len(value) == top {
			continue
		}
		out := map[string]any{"@odata.etag": `W/"CQAAABYAAAA"`, "id": msg["id"]}
		for _, field := range sel {
			if v, ok := msg[field]; ok {
				out[field] = v
			}
		}
		value = append(value, out)
	}
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"@odata.context": f.Srv.URL + "/v1.0/$metadata#users('" + mailbox + "')/messages(" + q.Get("$select") + ")",
		"value":          value,
	})
}

// Deliver puts a message into a mailbox as Graph would show it.
func (f *Fake) Deliver(mailbox string, received time.Time, subject, to, bodyHTML string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issued++
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(bodyHTML, " ")
	f.messages[mailbox] = append(f.messages[mailbox], map[string]any{
		"id":                     fmt.Sprintf("AAMkAGI2TG93AAA=%d", f.issued),
		"subject":                subject,
		"receivedDateTime":       received.UTC().Format(time.RFC3339),
		"bodyPreview":            strings.Join(strings.Fields(text), " "),
		"from":                   map[string]any{"emailAddress": map[string]string{"name": "Lumen Office Supply", "address": "no-reply@lumen.example"}},
		"toRecipients":           []map[string]any{{"emailAddress": map[string]string{"name": "", "address": to}}},
		"ccRecipients":           []map[string]any{},
		"body":                   map[string]string{"contentType": "html", "content": bodyHTML},
		"internetMessageHeaders": []map[string]string{{"name": "X-Secret", "value": "never selected"}},
	})
}

// Queries are the Graph query options received so far.
func (f *Fake) Queries() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.queries)
}

// Grants are the grant_type of every token request so far.
func (f *Fake) Grants() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.grants)
}

// RefreshTokens are the refresh tokens still valid.
func (f *Fake) RefreshTokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for rt := range f.refresh {
		out = append(out, rt)
	}
	return out
}
