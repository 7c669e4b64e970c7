// Package githubtest is an in-process fake of the parts of GitHub's REST API
// that Argus uses: GitHub App installation tokens and repository issues
// (list, create, edit, comment). It speaks the real wire protocol — JWT
// bearer auth signed by the App's key, "token" auth with installation
// tokens, Link-header pagination, JSON bodies — so tests drive the real
// go-github and ghinstallation clients against it.
package githubtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue is an issue as the fake stores it.
type Issue struct {
	Number      int
	Title       string
	Body        string
	Labels      []string
	State       string
	StateReason string
	Comments    []string
}

// Request is one request the fake received, for assertions over
// everything sent to GitHub.
type Request struct {
	Method, Path, Query string
	Authorization       string
	Body                string
}

// TokenRequest is one installation token the fake handed out.
type TokenRequest struct {
	Installation int64
	Repositories []string
	Permissions  map[string]string
	Token        string
}

type token struct {
	installation int64
	repos        []string // empty: every repository of the installation
	perms        map[string]string
	expires      time.Time
}

// Server is the fake GitHub.
type Server struct {
	// URL is the API base URL, with a trailing slash.
	URL string

	appID int64
	pub   *rsa.PublicKey
	ts    *httptest.Server

	mu            sync.Mutex
	installations map[int64][]string // installation → "owner/name" repos
	issues        map[string][]*Issue
	tokens        map[string]token
	tokenLog      []TokenRequest
	requests      []Request
	failNext      []failure
	tokenTTL      time.Duration
	barrier       *barrier
}

type barrier struct {
	waiting int
	release chan struct{}
}

type failure struct {
	status int
	header http.Header
}

// NewServer starts a fake GitHub on loopback for the App appID whose
// private key matches pub. It stops when the test ends.
func NewServer(t testing.TB, appID int64, pub *rsa.PublicKey) *Server {
	s := &Server{
		appID: appID, pub: pub,
		installations: map[int64][]string{},
		issues:        map[string][]*Issue{},
		tokens:        map[string]token{},
		tokenTTL:      time.Hour,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /app/installations/{id}/access_tokens", s.accessToken)
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues", s.repoAuth(s.listIssues))
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues", s.repoAuth(s.createIssue))
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/{number}", s.repoAuth(s.editIssue))
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/comments", s.repoAuth(s.listComments))
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{number}/comments", s.repoAuth(s.createComment))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { apiError(w, http.StatusNotFound, "Not Found") })
	s.ts = httptest.NewServer(s.record(mux))
	s.URL = s.ts.URL + "/"
	t.Cleanup(s.ts.Close)
	return s
}

// AddInstallation installs the App on repositories ("owner/name").
func (s *Server) AddInstallation(id int64, repos ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.installations[id] = append(s.installations[id], repos...)
}

// RemoveInstallation uninstalls the App: its tokens stop working and new
// ones are refused.
func (s *Server) RemoveInstallation(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.installations, id)
	for k, t := range s.tokens {
		if t.installation == id {
			delete(s.tokens, k)
		}
	}
}

// SetTokenTTL sets the lifetime of tokens handed out from now on.
func (s *Server) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenTTL = d
}

// FailNext makes the next repository request answer status with header,
// before any other check (e.g. 502, or 403 with X-RateLimit-Remaining: 0).
func (s *Server) FailNext(status int, header http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = append(s.failNext, failure{status, header})
}

// ListBarrier holds the next n issue-list requests until all n have
// arrived, then answers them together: n reporters that look for an issue
// at the same moment all see the same list, which is how a test makes two
// processes race to open the same issue.
func (s *Server) ListBarrier(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.barrier = &barrier{waiting: n, release: make(chan struct{})}
}

// AddIssue creates an issue directly, as a person would.
func (s *Server) AddIssue(repo string, is Issue) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	is.Number = s.nextNumber(repo)
	if is.State == "" {
		is.State = "open"
	}
	s.issues[repo] = append(s.issues[repo], &is)
	return is.Number
}

// Issues returns copies of a repository's issues, in order of creation.
func (s *Server) Issues(repo string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Issue, 0, len(s.issues[repo]))
	for _, is := range s.issues[repo] {
		c := *is
		c.Labels = slices.Clone(is.Labels)
		c.Comments = slices.Clone(is.Comments)
		out = append(out, c)
	}
	return out
}

// Requests returns every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Tokens returns the installation tokens handed out so far.
func (s *Server) Tokens() []TokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.tokenLog)
}

func (s *Server) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			apiError(w, http.StatusBadRequest, "unreadable body")
			return
		}
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Authorization: r.Header.Get("Authorization"), Body: string(body)})
		s.mu.Unlock()
		w.Header().Set("X-GitHub-Api-Version-Selected", "2022-11-28")
		next.ServeHTTP(w, r)
	})
}

func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// verifyAppJWT checks an App's JWT the way GitHub does: RS256 signed by
// the App's key, issuer the App id, issued-at not in the future (60 s of
// clock drift allowed), expiry at most 10 minutes after issue and not
// passed.
func (s *Server) verifyAppJWT(auth string) error {
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		return errors.New("a JSON web token is required")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return errors.New("malformed JWT")
	}
	var header struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return err
	}
	if header.Alg != "RS256" {
		return fmt.Errorf("JWT algorithm %q, want RS256", header.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errors.New("malformed JWT signature")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(s.pub, crypto.SHA256, sum[:], sig); err != nil {
		return errors.New("JWT signature does not verify with the App's public key")
	}
	var claims struct {
		Iss any   `json:"iss"`
		Iat int64 `json:"iat"`
		Exp int64 `json:"exp"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return err
	}
	if fmt.Sprint(claims.Iss) != strconv.FormatInt(s.appID, 10) {
		return fmt.Errorf("JWT issuer %v is not the App id", claims.Iss)
	}
	now := time.Now().Unix()
	switch {
	case claims.Iat > now+60:
		return errors.New("JWT issued in the future")
	case claims.Exp <= now:
		return errors.New("JWT expired")
	case claims.Exp-claims.Iat > 600:
		return errors.New("JWT expiry more than 10 minutes after issue")
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return errors.New("malformed JWT segment")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errors.New("malformed JWT JSON")
	}
	return nil
}

func (s *Server) accessToken(w http.ResponseWriter, r *http.Request) {
	if err := s.verifyAppJWT(r.Header.Get("Authorization")); err != nil {
		apiError(w, http.StatusUnauthorized, err.Error())
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		apiError(w, http.StatusNotFound, "Not Found")
		return
	}
	var req struct {
		Repositories []string          `json:"repositories"`
		Permissions  map[string]string `json:"permissions"`
	}
	if b, _ := io.ReadAll(r.Body); len(strings.TrimSpace(string(b))) > 0 {
		if err := json.Unmarshal(b, &req); err != nil {
			apiError(w, http.StatusBadRequest, "Problems parsing JSON")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	repos, ok := s.installations[id]
	if !ok {
		apiError(w, http.StatusNotFound, "Not Found")
		return
	}
	var full []string
	for _, name := range req.Repositories {
		found := ""
		for _, r := range repos {
			if _, n, _ := strings.Cut(r, "/"); n == name {
				found = r
			}
		}
		if found == "" {
			apiError(w, http.StatusUnprocessableEntity, "There is at least one repository that does not exist or is not accessible to the parent installation.")
			return
		}
		full = append(full, found)
	}
	raw := make([]byte, 18)
	rand.Read(raw)
	tok := "ghs_" + hex.EncodeToString(raw)
	exp := time.Now().Add(s.tokenTTL).UTC().Truncate(time.Second)
	s.tokens[tok] = token{installation: id, repos: full, perms: req.Permissions, expires: exp}
	s.tokenLog = append(s.tokenLog, TokenRequest{Installation: id, Repositories: req.Repositories, Permissions: req.Permissions, Token: tok})
	perms := req.Permissions
	if perms == nil {
		perms = map[string]string{"issues": "write", "metadata": "read"}
	}
	sel := "all"
	if len(full) > 0 {
		sel = "selected"
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"token": tok, "expires_at": exp.Format(time.RFC3339), "permissions": perms, "repository_selection": sel,
	})
}

// repoAuth checks the installation token for the repository in the path.
func (s *Server) repoAuth(h func(w http.ResponseWriter, r *http.Request, repo string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		repo := r.PathValue("owner") + "/" + r.PathValue("repo")
		s.mu.Lock()
		if len(s.failNext) > 0 {
			f := s.failNext[0]
			s.failNext = s.failNext[1:]
			s.mu.Unlock()
			for k, v := range f.header {
				w.Header()[k] = v
			}
			apiError(w, f.status, http.StatusText(f.status))
			return
		}
		auth := r.Header.Get("Authorization")
		tok, ok := strings.CutPrefix(auth, "token ")
		if !ok {
			tok, ok = strings.CutPrefix(auth, "Bearer ")
		}
		t, known := s.tokens[tok]
		installed := slices.Contains(s.installations[t.installation], repo)
		s.mu.Unlock()
		switch {
		case !ok || !known:
			apiError(w, http.StatusUnauthorized, "Bad credentials")
		case time.Now().After(t.expires):
			apiError(w, http.StatusUnauthorized, "Bad credentials")
		case !installed || (len(t.repos) > 0 && !slices.Contains(t.repos, repo)):
			apiError(w, http.StatusNotFound, "Not Found")
		case r.Method != http.MethodGet && t.perms != nil && t.perms["issues"] != "write":
			apiError(w, http.StatusForbidden, "Resource not accessible by integration")
		default:
			h(w, r, repo)
		}
	}
}

func (s *Server) nextNumber(repo string) int { return len(s.issues[repo]) + 1 }

func issueJSON(base, repo string, is *Issue) map[string]any {
	labels := make([]map[string]any, 0, len(is.Labels))
	for _, l := range is.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	m := map[string]any{
		"number": is.Number, "title": is.Title, "body": is.Body, "state": is.State,
		"labels": labels, "comments": len(is.Comments),
		"html_url": fmt.Sprintf("https://github.com/%s/issues/%d", repo, is.Number),
		"url":      fmt.Sprintf("%srepos/%s/issues/%d", base, repo, is.Number),
	}
	if is.StateReason != "" {
		m["state_reason"] = is.StateReason
	}
	return m
}

// paginate cuts items to the page the query asks for and sets GitHub's
// Link header.
func paginate[T any](w http.ResponseWriter, r *http.Request, base string, items []T) []T {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page <= 0 {
		page = 1
	}
	start := min((page-1)*per, len(items))
	end := min(start+per, len(items))
	if end < len(items) {
		q.Set("page", strconv.Itoa(page+1))
		next := url.URL{Path: strings.TrimPrefix(r.URL.Path, "/"), RawQuery: q.Encode()}
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, base, next.String()))
	}
	return items[start:end]
}

func (s *Server) listIssues(w http.ResponseWriter, r *http.Request, repo string) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var want []string
	if l := q.Get("labels"); l != "" {
		want = strings.Split(l, ",")
	}
	s.mu.Lock()
	var match []*Issue
	for _, is := range s.issues[repo] {
		if state != "all" && is.State != state {
			continue
		}
		ok := true
		for _, l := range want {
			ok = ok && slices.Contains(is.Labels, l)
		}
		if ok {
			c := *is
			match = append(match, &c)
		}
	}
	// The list is taken on arrival; a barrier then holds the answer, so
	// every request it holds sees the state from before any of them
	// could act on its answer.
	b := s.barrier
	if b != nil {
		if b.waiting--; b.waiting == 0 {
			close(b.release)
			s.barrier = nil
		}
	}
	s.mu.Unlock()
	if b != nil {
		select {
		case <-b.release:
		case <-r.Context().Done():
			return
		}
	}
	// GitHub's default order is newest first.
	if q.Get("direction") != "asc" {
		slices.Reverse(match)
	}
	page := paginate(w, r, s.URL, match)
	out := make([]map[string]any, 0, len(page))
	for _, is := range page {
		out = append(out, issueJSON(s.URL, repo, is))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createIssue(w http.ResponseWriter, r *http.Request, repo string) {
	var req struct {
		Title  string   `json:"title"`
		Body   string   `json:"body"`
		Labels []string `json:"labels"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	if strings.TrimSpace(req.Title) == "" {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed: title is missing")
		return
	}
	if len(req.Body) > 65536 {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed: body is too long (maximum is 65536 characters)")
		return
	}
	s.mu.Lock()
	is := &Issue{Number: s.nextNumber(repo), Title: req.Title, Body: req.Body, Labels: req.Labels, State: "open"}
	s.issues[repo] = append(s.issues[repo], is)
	out := issueJSON(s.URL, repo, is)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) issue(w http.ResponseWriter, r *http.Request, repo string) *Issue {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err == nil {
		for _, is := range s.issues[repo] {
			if is.Number == n {
				return is
			}
		}
	}
	apiError(w, http.StatusNotFound, "Not Found")
	return nil
}

func (s *Server) editIssue(w http.ResponseWriter, r *http.Request, repo string) {
	var req struct {
		Title       *string   `json:"title"`
		Body        *string   `json:"body"`
		State       *string   `json:"state"`
		StateReason *string   `json:"state_reason"`
		Labels      *[]string `json:"labels"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	if req.State != nil && *req.State != "open" && *req.State != "closed" {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed: state")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issue(w, r, repo)
	if is == nil {
		return
	}
	if req.Title != nil {
		is.Title = *req.Title
	}
	if req.Body != nil {
		is.Body = *req.Body
	}
	if req.State != nil {
		is.State = *req.State
	}
	if req.StateReason != nil {
		is.StateReason = *req.StateReason
	}
	if req.Labels != nil {
		is.Labels = *req.Labels
	}
	writeJSON(w, http.StatusOK, issueJSON(s.URL, repo, is))
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request, repo string) {
	s.mu.Lock()
	is := s.issue(w, r, repo)
	if is == nil {
		s.mu.Unlock()
		return
	}
	type comment struct {
		ID   int    `json:"id"`
		Body string `json:"body"`
	}
	all := make([]comment, len(is.Comments))
	for i, c := range is.Comments {
		all[i] = comment{ID: is.Number*100000 + i + 1, Body: c}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, paginate(w, r, s.URL, all))
}

func (s *Server) createComment(w http.ResponseWriter, r *http.Request, repo string) {
	var req struct {
		Body string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	if strings.TrimSpace(req.Body) == "" {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed: body is missing")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issue(w, r, repo)
	if is == nil {
		return
	}
	is.Comments = append(is.Comments, req.Body)
	writeJSON(w, http.StatusCreated, map[string]any{"id": is.Number*100000 + len(is.Comments), "body": req.Body})
}
