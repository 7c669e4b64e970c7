package demo

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/internal/totp"
	"github.com/argusqa/argus/suite"
)

func TestSuiteParses(t *testing.T) {
	embedded, err := LoadSuite()
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := suite.Load(SuiteDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(embedded) != len(onDisk) {
		t.Fatalf("embedded suite has %d tests, the directory %d", len(embedded), len(onDisk))
	}
	for i := range embedded {
		if embedded[i].Hash() != onDisk[i].Hash() || embedded[i].Pos != onDisk[i].Pos {
			t.Errorf("test %d differs: %q at %v vs %q at %v", i, embedded[i].Name, embedded[i].Pos, onDisk[i].Name, onDisk[i].Pos)
		}
	}
	if p := onDisk[0].Pos.File; !strings.HasPrefix(p, filepath.Join("suite", "")) {
		t.Errorf("position %q", p)
	}
}

// TestSuiteShape checks the suite shows what the demo promises: explicit
// tests that run without a model, goal-only tests that need one, and
// exactly one expected failure, with every secret it uses provided.
func TestSuiteShape(t *testing.T) {
	tests, err := LoadSuite()
	if err != nil {
		t.Fatal(err)
	}
	var explicit, modelOnly, expectedFailures []string
	for _, tc := range tests {
		switch {
		case tc.ExpectedFailure != "":
			expectedFailures = append(expectedFailures, tc.Name)
		case tc.NeedsModel():
			modelOnly = append(modelOnly, tc.Name)
			if len(tc.Checkpoints) == 0 {
				t.Errorf("goal-only test %q has no checkpoints", tc.Name)
			}
		default:
			explicit = append(explicit, tc.Name)
		}
		for _, name := range tc.Secrets() {
			if _, ok := Secrets()[name]; !ok {
				t.Errorf("test %q uses secret %q, which Secrets does not provide", tc.Name, name)
			}
		}
	}
	if len(explicit) < 6 || len(modelOnly) < 1 || len(modelOnly) > 4 {
		t.Errorf("explicit %v, goal-only %v", explicit, modelOnly)
	}
	if !reflect.DeepEqual(expectedFailures, []string{"Save notification settings"}) {
		t.Fatalf("expected failures: %v", expectedFailures)
	}
	broken := findTest(t, tests, "Save notification settings")
	if broken.NeedsModel() || broken.Steps[len(broken.Steps)-2].String() != `expect text "Settings saved."` {
		t.Errorf("the broken page's test should fail on its expect step: %v", broken.Steps)
	}
	if !strings.Contains(broken.ExpectedFailure, "broken on purpose") {
		t.Errorf("expected_failure does not explain itself: %q", broken.ExpectedFailure)
	}
	for _, tag := range []string{"smoke", "auth", "search", "signup"} {
		found := false
		for _, tc := range tests {
			found = found || tc.HasTag(tag)
		}
		if !found {
			t.Errorf("no test tagged %q", tag)
		}
	}
}

func findTest(t *testing.T, tests []*suite.Test, name string) *suite.Test {
	t.Helper()
	for _, tc := range tests {
		if tc.Name == name {
			return tc
		}
	}
	t.Fatalf("no test %q", name)
	return nil
}

// TestSuiteMatchesApp checks the suite against the real app, so a renamed
// page, label or message breaks here rather than in the middle of the demo:
// every URL a test starts at or navigates to answers (logged in or not,
// following the login redirect), every label a step addresses is the text
// of a <label> on one of the app's pages, and every text the passing tests
// expect is something the app shows.
func TestSuiteMatchesApp(t *testing.T) {
	tests, err := LoadSuite()
	if err != nil {
		t.Fatal(err)
	}
	// The shop mails its confirmations to a real test mailbox, as in
	// argus demo.
	mem := mail.NewMemory("local")
	rcv, err := mail.Start(mail.Config{Listen: "127.0.0.1:0", Store: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rcv.Shutdown(context.Background()) }()
	a, err := app.New(app.Config{BcryptCost: bcrypt.MinCost, SMTPAddr: rcv.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	defer srv.Close()
	get := func(c *http.Client, path string) (string, string) {
		t.Helper()
		r, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s ends in %d at %s", path, r.StatusCode, r.Request.URL.Path)
		}
		return r.Request.URL.Path, string(b)
	}
	post := func(c *http.Client, path string, form url.Values) string {
		t.Helper()
		r, err := c.PostForm(srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	anon, logged := client(t), client(t)
	var shown []string // every page and message the app renders
	shown = append(shown, post(logged, "/login", url.Values{"email": {app.DemoEmail}, "password": {Secrets()["demo_password"]}}))
	if _, body := get(logged, "/dashboard"); !strings.Contains(body, "Log out") {
		t.Fatal("the suite's secret does not log in")
	}
	// The plan's flow: the demo user orders (the shop's first order is
	// A-1001, the value the plan remembers), the seller ships it.
	seller := client(t)
	shown = append(shown,
		post(logged, "/orders", url.Values{"product": {"Desk lamp"}}),
		post(seller, "/login", url.Values{"email": {app.DemoSellerEmail}, "password": {Secrets()["demo_password"]}}),
		post(seller, "/orders/A-1001/ship", nil))
	_, sellerOrders := get(seller, "/orders")
	shown = append(shown, sellerOrders)
	for i, tc := range tests {
		if len(tc.Vars()) > 0 {
			if tests[i], err = tc.ExpandVars(map[string]string{"order_id": "A-1001"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range tests {
		paths := []string{tc.URL}
		for _, s := range tc.Steps {
			if s.Verb == suite.VerbNavigate {
				paths = append(paths, s.Value)
			}
		}
		for _, p := range paths {
			for _, c := range []*http.Client{anon, logged} {
				_, body := get(c, p)
				shown = append(shown, body)
			}
		}
	}
	for _, p := range []string{"/dashboard", "/profile", "/settings", "/profile?saved=1", "/products?q=unicorn"} {
		_, body := get(logged, p)
		shown = append(shown, body)
	}
	// The account with two-step verification, logged in with a code from
	// the suite's secret: the code page, then its dashboard.
	secure := client(t)
	shown = append(shown, post(secure, "/login", url.Values{"email": {app.DemoTOTPEmail}, "password": {Secrets()["demo_password"]}}))
	key, err := totp.Parse(Secrets()["demo_totp"])
	if err != nil {
		t.Fatal(err)
	}
	code, err := key.Code(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	shown = append(shown, post(secure, "/login/code", url.Values{"code": {code}}))
	// The suite's invalid form posts, where validation messages appear.
	shown = append(shown,
		post(client(t), "/signup", url.Values{"name": {"Ada"}, "email": {"not-an-email"}, "password": {"short"}, "confirm": {"different"}}),
		post(client(t), "/signup", url.Values{"name": {"Ada Lovelace"}, "email": {"ada@example.com"}, "password": {"analytical-engine"}, "confirm": {"analytical-engine"}}),
		post(client(t), "/login", url.Values{"email": {app.DemoEmail}, "password": {"not-the-password"}}),
		post(logged, "/profile", url.Values{"name": {"Demo User"}, "phone": {"12ab"}, "website": {"example.com"}}),
	)
	// A sign-up with a mailbox address, and its confirmation link.
	newcomer, to := client(t), "grace-ab2cd@local."+mail.DefaultDomain
	shown = append(shown, post(newcomer, "/signup", url.Values{"name": {"Grace"}, "email": {to}, "password": {"cobol-1959"}, "confirm": {"cobol-1959"}}))
	if got, _ := mem.Reader("local").Find(t.Context(), mail.Query{To: to}); len(got) == 1 && len(got[0].Links) == 1 {
		_, body := get(newcomer, strings.TrimPrefix(got[0].Links[0].URL, srv.URL))
		shown = append(shown, body)
	} else {
		t.Errorf("the sign-up mailed %+v", got)
	}
	all := html.UnescapeString(strings.Join(shown, "\n"))

	labels := map[string]bool{}
	for _, m := range regexp.MustCompile(`<label for="[^"]+">([^<]+)</label>`).FindAllStringSubmatch(all, -1) {
		labels[m[1]] = true
	}
	if len(labels) < 10 {
		t.Fatalf("found only %d labels: %v", len(labels), labels)
	}
	for _, tc := range tests {
		for i, s := range tc.Steps {
			if l := s.Target.Label; l != "" && !labels[l] {
				t.Errorf("%v: %s: steps[%d] addresses label %q, which no page has", tc.StepPos[i], tc.Name, i, l)
			}
			if s.Verb == suite.VerbExpectText && tc.ExpectedFailure == "" && !strings.Contains(all, s.Value) {
				t.Errorf("%v: %s: expects text %q, which the app never shows", tc.StepPos[i], tc.Name, s.Value)
			}
		}
	}
	// The broken test's expectation really is never met.
	broken := findTest(t, tests, "Save notification settings")
	if strings.Contains(all, "Settings saved.") {
		t.Errorf("the app shows %q, so %q would not fail", "Settings saved.", broken.Name)
	}
}

func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

func TestSecrets(t *testing.T) {
	s := Secrets()
	s["demo_password"] = "changed"
	if Secrets()["demo_password"] != app.DemoPassword {
		t.Fatal("Secrets shares its map")
	}
}

// TestMutantsNameSuiteTests keeps the calibration's ground truth in step
// with the suite: every test a mutant breaks exists.
func TestMutantsNameSuiteTests(t *testing.T) {
	tests, err := LoadSuite()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tc := range tests {
		names[tc.Name] = true
	}
	for _, m := range app.Mutants() {
		for _, b := range m.Breaks {
			if !names[b] {
				t.Errorf("mutant %s breaks %q, which is not a demo-suite test", m.Name, b)
			}
		}
	}
}
