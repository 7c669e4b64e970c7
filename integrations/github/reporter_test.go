package github_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gh "github.com/google/go-github/v88/github"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/integrations/github/githubtest"
	"github.com/argusqa/argus/internal/redact"
)

const (
	appID        = 4242
	installation = 77
	repo         = "acme/shop"
)

var (
	keyOnce sync.Once
	appKey  *rsa.PrivateKey
	keyPEM  []byte
)

func testKey(t testing.TB) (*rsa.PrivateKey, []byte) {
	t.Helper()
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		appKey = k
		keyPEM = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	})
	return appKey, keyPEM
}

type fixture struct {
	srv  *githubtest.Server
	rep  *github.Reporter
	logs *bytes.Buffer
}

func setup(t *testing.T) *fixture {
	t.Helper()
	key, pemKey := testKey(t)
	srv := githubtest.NewServer(t, appID, &key.PublicKey)
	srv.AddInstallation(installation, repo, "acme/other")
	logs := &bytes.Buffer{}
	rep, err := github.NewReporter(github.Config{
		AppID: appID, PrivateKey: pemKey, APIURL: srv.URL,
		Labels: []string{"argus"},
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, rep: rep, logs: logs}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func outcome(test, agent string, status github.Status) github.Outcome {
	return github.Outcome{
		Target:        github.Target{InstallationID: installation, Repository: repo},
		TestID:        test,
		TestName:      "Checkout with a saved card",
		AgentID:       agent,
		Status:        status,
		Summary:       "The payment page showed \"Card declined\" for agent " + agent + ".",
		FailingStep:   "click \"Pay now\" → the page shows an error banner",
		ScreenshotURL: "https://argus.example.com/agents/" + agent + "/screenshots/1/4",
		RunURL:        "https://argus.example.com/runs/r-" + agent,
		AgentURL:      "https://argus.example.com/agents/" + agent,
		Branch:        "main",
		Commit:        "0123abc",
	}
}

func report(t *testing.T, f *fixture, o github.Outcome) github.Result {
	t.Helper()
	res, err := f.rep.Report(t.Context(), o)
	if err != nil {
		t.Fatalf("report %s/%s: %v", o.TestID, o.Status, err)
	}
	return res
}

func TestFirstFailureOpensOneIssue(t *testing.T) {
	f := setup(t)
	res := report(t, f, outcome("test-1", "agent-1", github.StatusFailed))
	if res.Action != github.ActionOpened || res.Issue != 1 || res.URL != "https://github.com/acme/shop/issues/1" {
		t.Fatalf("result %+v", res)
	}
	issues := f.srv.Issues(repo)
	if len(issues) != 1 {
		t.Fatalf("%d issues", len(issues))
	}
	is := issues[0]
	if is.Title != "Argus: Checkout with a saved card failed" {
		t.Errorf("title %q", is.Title)
	}
	if strings.Join(is.Labels, ",") != "argus,argus:failed" {
		t.Errorf("labels %v", is.Labels)
	}
	for _, want := range []string{
		"<!-- argus-test:test-1 -->",
		"<!-- argus-agent:agent-1 -->",
		"> The payment page showed \"Card declined\" for agent agent-1.",
		"```text\nclick \"Pay now\" → the page shows an error banner\n```",
		"[screenshot](https://argus.example.com/agents/agent-1/screenshots/1/4)",
		"[run](https://argus.example.com/runs/r-agent-1)",
		"branch `main`, commit `0123abc`",
	} {
		if !strings.Contains(is.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, is.Body)
		}
	}
	// The token was scoped to the repository and to issues.
	toks := f.srv.Tokens()
	if len(toks) != 1 || strings.Join(toks[0].Repositories, ",") != "shop" || toks[0].Permissions["issues"] != "write" || len(toks[0].Permissions) != 2 {
		t.Fatalf("token requests %+v", toks)
	}
}

func TestSecondFailureCommentsInsteadOfOpening(t *testing.T) {
	f := setup(t)
	report(t, f, outcome("test-1", "agent-1", github.StatusFailed))
	res := report(t, f, outcome("test-1", "agent-2", github.StatusFailed))
	if res.Action != github.ActionCommented || res.Issue != 1 {
		t.Fatalf("second failure: %+v", res)
	}
	issues := f.srv.Issues(repo)
	if len(issues) != 1 || len(issues[0].Comments) != 1 {
		t.Fatalf("%d issues, comments %v", len(issues), issues[0].Comments)
	}
	c := issues[0].Comments[0]
	if !strings.Contains(c, "**Failed again.**") || !strings.Contains(c, "for agent agent-2") || !strings.Contains(c, "[run](https://argus.example.com/runs/r-agent-2)") {
		t.Errorf("comment:\n%s", c)
	}
	// Another test gets its own issue.
	if res := report(t, f, outcome("test-2", "agent-3", github.StatusFailed)); res.Action != github.ActionOpened || res.Issue != 2 {
		t.Fatalf("other test: %+v", res)
	}
	// One token served all three reports.
	if n := len(f.srv.Tokens()); n != 1 {
		t.Errorf("%d token requests for one repository", n)
	}
}

func TestRetriedReportDoesNotRepeat(t *testing.T) {
	f := setup(t)
	report(t, f, outcome("test-1", "agent-1", github.StatusFailed))
	if res := report(t, f, outcome("test-1", "agent-1", github.StatusFailed)); res.Action != github.ActionNone || res.Issue != 1 {
		t.Fatalf("retried open: %+v", res)
	}
	report(t, f, outcome("test-1", "agent-2", github.StatusFailed))
	report(t, f, outcome("test-1", "agent-2", github.StatusFailed))
	report(t, f, outcome("test-1", "agent-3", github.StatusPassed))
	report(t, f, outcome("test-1", "agent-3", github.StatusPassed))
	issues := f.srv.Issues(repo)
	if len(issues) != 1 || len(issues[0].Comments) != 2 {
		t.Fatalf("%d issues, %d comments: %q", len(issues), len(issues[0].Comments), issues[0].Comments)
	}
}

func TestPassCommentsAndClosesWhenConfigured(t *testing.T) {
	f := setup(t)
	report(t, f, outcome("test-1", "agent-1", github.StatusFailed))
	res := report(t, f, outcome("test-1", "agent-2", github.StatusPassed))
	if res.Action != github.ActionCommented || res.Issue != 1 {
		t.Fatalf("pass: %+v", res)
	}
	is := f.srv.Issues(repo)[0]
	if is.State != "open" || len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "**Passing again.**") ||
		strings.Contains(is.Comments[0], "Closing") {
		t.Fatalf("after pass without close: state %s, comments %q", is.State, is.Comments)
	}

	report(t, f, outcome("test-1", "agent-3", github.StatusFailed))
	o := outcome("test-1", "agent-4", github.StatusPassed)
	o.CloseOnPass = true
	res = report(t, f, o)
	if res.Action != github.ActionClosed || res.Issue != 1 {
		t.Fatalf("pass with close: %+v", res)
	}
	is = f.srv.Issues(repo)[0]
	if is.State != "closed" || is.StateReason != "completed" || len(is.Comments) != 3 || !strings.Contains(is.Comments[2], "Closing this issue") {
		t.Fatalf("after close: state %s/%s, comments %q", is.State, is.StateReason, is.Comments)
	}
	// The next failure opens a fresh issue; the closed one is history.
	if res := report(t, f, outcome("test-1", "agent-5", github.StatusFailed)); res.Action != github.ActionOpened || res.Issue != 2 {
		t.Fatalf("failure after close: %+v", res)
	}
}

func TestPassWithoutIssueDoesNothing(t *testing.T) {
	f := setup(t)
	if res := report(t, f, outcome("test-1", "agent-1", github.StatusPassed)); res.Action != github.ActionNone {
		t.Fatalf("%+v", res)
	}
	for _, r := range f.srv.Requests() {
		if r.Method != http.MethodGet && !strings.HasSuffix(r.Path, "/access_tokens") {
			t.Errorf("a pass with no open issue wrote: %s %s", r.Method, r.Path)
		}
	}
}

func TestErrorVerdictIgnoredUnlessEnabled(t *testing.T) {
	f := setup(t)
	for _, st := range []github.Status{github.StatusError, "cancelled", "running"} {
		if res := report(t, f, outcome("test-1", "agent-1", st)); res.Action != github.ActionNone {
			t.Fatalf("%s: %+v", st, res)
		}
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Fatalf("ignored verdicts made %d requests", n)
	}
	o := outcome("test-1", "agent-2", github.StatusError)
	o.ReportErrors = true
	if res := report(t, f, o); res.Action != github.ActionOpened {
		t.Fatalf("error with ReportErrors: %+v", res)
	}
	is := f.srv.Issues(repo)[0]
	if is.Title != "Argus: Checkout with a saved card could not be run" || strings.Join(is.Labels, ",") != "argus,argus:error" {
		t.Fatalf("error issue: %q %v", is.Title, is.Labels)
	}
}

// TestNoSecretReachesGitHub runs the whole life of an issue with a summary
// and step that mentioned a password (redacted, as the store keeps them)
// and checks that no secret — the password, the App's private key, an
// installation token — is in any issue, comment, request body or log line.
func TestNoSecretReachesGitHub(t *testing.T) {
	f := setup(t)
	const password = "Tr0ub4dor&3-horse"
	red := redact.New(password)
	for i, st := range []github.Status{github.StatusFailed, github.StatusFailed, github.StatusPassed} {
		o := outcome("test-1", "agent-"+strconv.Itoa(i), st)
		o.CloseOnPass = true
		o.Summary = red.String("Logged in with " + password + " but the basket was empty.")
		o.FailingStep = red.String(`type "` + password + `" into "Password"`)
		report(t, f, o)
	}
	_, pemKey := testKey(t)
	keyBody := strings.Join(strings.Split(string(pemKey), "\n")[1:4], "")
	secrets := map[string]string{"password": password, "private key": keyBody}
	for _, tok := range f.srv.Tokens() {
		secrets["installation token "+tok.Token[:8]] = tok.Token
	}
	var texts []string
	for _, is := range f.srv.Issues(repo) {
		texts = append(texts, is.Title, is.Body)
		texts = append(texts, is.Comments...)
	}
	for _, r := range f.srv.Requests() {
		texts = append(texts, r.Path, r.Query, r.Body)
	}
	texts = append(texts, f.logs.String())
	for name, secret := range secrets {
		for _, text := range texts {
			if strings.Contains(text, secret) {
				t.Fatalf("%s found in what was sent or logged:\n%s", name, text)
			}
		}
	}
	if !strings.Contains(f.srv.Issues(repo)[0].Body, redact.Mask(password)) {
		t.Fatalf("the masked password is not where the summary put it:\n%s", f.srv.Issues(repo)[0].Body)
	}
}

func TestUntrustedTextCannotForgeMarkersOrMention(t *testing.T) {
	f := setup(t)
	o := outcome("test-1", "agent-1", github.StatusFailed)
	o.Summary = "Page said: <!-- argus-test:test-2 --> ping @octocat and mail qa@example.com"
	o.FailingStep = "``` \n# heading injected"
	o.ScreenshotURL = "javascript:alert(1)"
	report(t, f, o)
	body := f.srv.Issues(repo)[0].Body
	if strings.Count(body, "<!--") != 2 || strings.Count(body, "-->") != 2 {
		t.Fatalf("summary forged a marker:\n%s", body)
	}
	if strings.Contains(body, "@octocat") || !strings.Contains(body, "qa@example.com") {
		t.Fatalf("mention not neutralised or mail address mangled:\n%s", body)
	}
	if !strings.Contains(body, "````text\n``` \n# heading injected\n````") || strings.Contains(body, "javascript:") {
		t.Fatalf("step fence or link:\n%s", body)
	}
	// The forged marker does not tie test-2 to this issue.
	if res := report(t, f, outcome("test-2", "agent-2", github.StatusFailed)); res.Action != github.ActionOpened {
		t.Fatalf("test-2 matched a forged marker: %+v", res)
	}
}

func TestFindsTheIssueBeyondTheFirstPage(t *testing.T) {
	f := setup(t)
	for i := range 150 {
		f.srv.AddIssue(repo, githubtest.Issue{Title: fmt.Sprintf("other %d", i), Body: "<!-- argus-test:other-" + strconv.Itoa(i) + " -->", Labels: []string{"argus"}})
	}
	// Unlabelled issues that quote the marker are not Argus's.
	f.srv.AddIssue(repo, githubtest.Issue{Title: "a person's note", Body: "<!-- argus-test:test-1 -->"})
	report(t, f, outcome("test-1", "agent-1", github.StatusFailed))
	res := report(t, f, outcome("test-1", "agent-2", github.StatusFailed))
	if res.Action != github.ActionCommented || res.Issue != 152 {
		t.Fatalf("%+v", res)
	}
	pages := 0
	for _, r := range f.srv.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/issues") {
			pages++
		}
	}
	// Two pages to find no issue, two to check for a concurrent duplicate
	// after opening one, two to find it on the second report.
	if pages != 6 {
		t.Errorf("%d list requests for two reports over two pages each", pages)
	}
}

func TestConcurrentFailuresOpenOneIssue(t *testing.T) {
	f := setup(t)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Go(func() {
			_, err := f.rep.Report(t.Context(), outcome("test-1", "agent-"+strconv.Itoa(i), github.StatusFailed))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	issues := f.srv.Issues(repo)
	if len(issues) != 1 || len(issues[0].Comments) != 5 {
		t.Fatalf("%d issues, %d comments", len(issues), len(issues[0].Comments))
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	f := setup(t)
	// ghinstallation renews a token in its last minute, so a token that
	// lives 30 s is renewed before every request.
	f.srv.SetTokenTTL(30 * time.Second)
	report(t, f, outcome("test-1", "agent-1", github.StatusFailed))
	report(t, f, outcome("test-1", "agent-2", github.StatusFailed))
	calls := 0
	for _, r := range f.srv.Requests() {
		if strings.HasPrefix(r.Path, "/repos/") {
			calls++
		}
	}
	if n := len(f.srv.Tokens()); n != calls || n < 4 {
		t.Fatalf("%d token requests for %d API calls", n, calls)
	}
}

func TestPermanentAndTransientFailures(t *testing.T) {
	t.Run("wrong key", func(t *testing.T) {
		f := setup(t)
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := github.NewReporter(github.Config{AppID: appID, APIURL: f.srv.URL,
			PrivateKey: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(other))})})
		if err != nil {
			t.Fatal(err)
		}
		_, err = rep.Report(t.Context(), outcome("test-1", "agent-1", github.StatusFailed))
		if err == nil || !github.Permanent(err) {
			t.Fatalf("a JWT signed by another key: %v (permanent %v)", err, github.Permanent(err))
		}
		if len(f.srv.Issues(repo)) != 0 || len(f.srv.Tokens()) != 0 {
			t.Fatal("the fake accepted a JWT signed by another key")
		}
	})
	t.Run("uninstalled", func(t *testing.T) {
		f := setup(t)
		f.srv.RemoveInstallation(installation)
		_, err := f.rep.Report(t.Context(), outcome("test-1", "agent-1", github.StatusFailed))
		if err == nil || !github.Permanent(err) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("repository not in the installation", func(t *testing.T) {
		f := setup(t)
		o := outcome("test-1", "agent-1", github.StatusFailed)
		o.Repository = "acme/secret"
		_, err := f.rep.Report(t.Context(), o)
		if err == nil || !github.Permanent(err) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("rate limited", func(t *testing.T) {
		f := setup(t)
		reset := time.Now().Add(time.Hour).Unix()
		f.srv.FailNext(http.StatusForbidden, http.Header{
			"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Limit": {"5000"}, "X-Ratelimit-Reset": {strconv.FormatInt(reset, 10)},
		})
		_, err := f.rep.Report(t.Context(), outcome("test-1", "agent-1", github.StatusFailed))
		var rl *gh.RateLimitError
		if !errors.As(err, &rl) || github.Permanent(err) || rl.Rate.Reset.Unix() != reset {
			t.Fatalf("%v", err)
		}
	})
	t.Run("server error", func(t *testing.T) {
		f := setup(t)
		f.srv.FailNext(http.StatusBadGateway, nil)
		_, err := f.rep.Report(t.Context(), outcome("test-1", "agent-1", github.StatusFailed))
		if err == nil || github.Permanent(err) {
			t.Fatalf("%v", err)
		}
		// And the next report goes through.
		report(t, f, outcome("test-1", "agent-1", github.StatusFailed))
	})
}

func TestInvalidInput(t *testing.T) {
	_, pemKey := testKey(t)
	for name, cfg := range map[string]github.Config{
		"no app id":   {PrivateKey: pemKey},
		"no key":      {AppID: 1},
		"garbage key": {AppID: 1, PrivateKey: []byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")},
		"bad API URL": {AppID: 1, PrivateKey: pemKey, APIURL: "ftp://x"},
		"empty label": {AppID: 1, PrivateKey: pemKey, Labels: []string{" "}},
	} {
		if _, err := github.NewReporter(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "AAAA") {
			t.Errorf("%s: error quotes the key: %v", name, err)
		}
	}
	f := setup(t)
	for name, mut := range map[string]func(*github.Outcome){
		"no test id":      func(o *github.Outcome) { o.TestID = "" },
		"marker breaker":  func(o *github.Outcome) { o.TestID = "x -->" },
		"no installation": func(o *github.Outcome) { o.InstallationID = 0 },
		"bad repo":        func(o *github.Outcome) { o.Repository = "acme" },
		"path repo":       func(o *github.Outcome) { o.Repository = "acme/../x" },
	} {
		o := outcome("test-1", "agent-1", github.StatusFailed)
		mut(&o)
		if _, err := f.rep.Report(t.Context(), o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Fatalf("invalid input made %d requests", n)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestTwoProcessesConvergeOnOneIssue reports failures of one test through
// two Reporters (two worker processes: no shared lock) whose first looks
// for the issue happen at the same moment, so both open one. Exactly one
// stays open and carries every failure; the other is closed as its
// duplicate.
func TestTwoProcessesConvergeOnOneIssue(t *testing.T) {
	f := setup(t)
	_, pemKey := testKey(t)
	second, err := github.NewReporter(github.Config{AppID: appID, PrivateKey: pemKey, APIURL: f.srv.URL, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		test := "test-" + strconv.Itoa(round)
		f.srv.ListBarrier(2)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for i, rep := range []*github.Reporter{f.rep, second, f.rep, second} {
			wg.Go(func() {
				_, err := rep.Report(t.Context(), outcome(test, "agent-"+strconv.Itoa(i), github.StatusFailed))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		open, closed, agents := 0, 0, map[string]bool{}
		for _, is := range f.srv.Issues(repo) {
			if !strings.Contains(is.Body, "argus-test:"+test+" ") {
				continue
			}
			if is.State != "open" {
				closed++
				if is.StateReason != "not_planned" || !strings.Contains(is.Comments[len(is.Comments)-1], "Duplicate of #") {
					t.Errorf("round %d: duplicate #%d closed as %q with %q", round, is.Number, is.StateReason, is.Comments)
				}
				continue
			}
			open++
			for _, text := range append([]string{is.Body}, is.Comments...) {
				for i := range 4 {
					if strings.Contains(text, "argus-agent:agent-"+strconv.Itoa(i)+" ") {
						agents["agent-"+strconv.Itoa(i)] = true
					}
				}
			}
		}
		if open != 1 || closed != 1 || len(agents) != 4 {
			t.Fatalf("round %d: %d open and %d closed issues; failures on the open one: %v", round, open, closed, agents)
		}
	}
}

// BenchmarkReportFailedAgain measures one repeated failure (list issues,
// list comments, comment) against the fake on loopback: Argus's own cost
// per report, with GitHub's latency taken out.
func BenchmarkReportFailedAgain(b *testing.B) {
	key, pemKey := testKey(b)
	srv := githubtest.NewServer(b, appID, &key.PublicKey)
	srv.AddInstallation(installation, repo)
	rep, err := github.NewReporter(github.Config{AppID: appID, PrivateKey: pemKey, APIURL: srv.URL, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if _, err := rep.Report(ctx, outcome("test-1", "agent-0", github.StatusFailed)); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := rep.Report(ctx, outcome("test-1", "agent-"+strconv.Itoa(i+1), github.StatusFailed)); err != nil {
			b.Fatal(err)
		}
	}
}
