package app

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// MutantKind says whether a mutant is a defect the demo suite must catch
// or a harmless change it must tolerate.
type MutantKind string

const (
	// Bug is an injected defect: the tests in Breaks must fail.
	Bug MutantKind = "bug"
	// Drift is a benign change (a renamed button, a moved field, a slower
	// answer): every test must still pass.
	Drift MutantKind = "drift"
)

// Mutant is one injected change to the demo app, switched on at start
// (Config.Mutant, demo-app -mutant, ARGUS_DEMO_MUTANT). The calibration
// suite (argus calibrate) runs the demo suite against the clean app and
// each mutant and compares the verdicts with Breaks.
type Mutant struct {
	Name        string
	Kind        MutantKind
	Description string
	// Breaks names the demo-suite tests whose flow the defect breaks, so
	// their right verdict is failed. It is the ground truth of the
	// calibration table, written from what the defect does, not from what
	// a run reported.
	Breaks []string
	// rewrites change a template or static file's text.
	rewrites []rewrite
}

// rewrite replaces old with new in one embedded file (a path under
// templates/ or static/). TestMutantRewritesApply checks old is there.
type rewrite struct {
	file     string
	old, new string
}

// Mutant names: the handlers test for these.
const (
	mutPriceOffByOneCent       = "price-off-by-one-cent"
	mutPriceDropsTrailingZero  = "price-drops-trailing-zero"
	mutLoginButtonDead         = "login-button-does-nothing"
	mutLoginIgnoresNext        = "login-ignores-return-page"
	mutLoginAnyPassword        = "login-accepts-any-password"
	mutLoginErrorHidden        = "login-error-not-shown"
	mutDashboardTypo           = "dashboard-greeting-typo"
	mutSessionLostOnReload     = "session-lost-on-reload"
	mutSignupBadEmail          = "signup-accepts-invalid-email"
	mutSignupShortPassword     = "signup-accepts-short-password"
	mutSignupIgnoresConfirm    = "signup-ignores-confirmation"
	mutSignupToLogin           = "signup-redirects-to-login"
	mutSignupNoWelcome         = "signup-no-account-ready-message"
	mutSignupMailNeverSent     = "signup-confirmation-never-sent"
	mutDashboardWrongName      = "dashboard-greets-wrong-user"
	mutProfileBadPhone         = "profile-accepts-invalid-phone"
	mutProfileBadWebsite       = "profile-accepts-invalid-website"
	mutProfileSave500          = "profile-save-500-says-saved"
	mutLogoutNoop              = "logout-keeps-session"
	mutSearchCountOffByOne     = "search-count-off-by-one"
	mutSearchLinkIgnoresQuery  = "search-link-ignores-query"
	mutSearchNoEmptyMessage    = "search-no-empty-message"
	mutSearchJSError           = "search-script-error"
	mutSearchAPI500            = "search-api-500"
	mutDriftRenamedSignupLink  = "drift-renamed-signup-link"
	mutDriftSwappedLoginFields = "drift-swapped-login-fields"
	mutDriftSlowSearch         = "drift-slow-search"
	mutDriftSlowLogin          = "drift-slow-login"
	mutDriftProductsByPrice    = "drift-products-by-price"
)

// The demo-suite tests the mutants break, by name.
const (
	tLogin        = "Log in with the demo account"
	tWrongPass    = "Login rejects a wrong password"
	tLoginCode    = "Log in with a one-time code"
	tLogout       = "Log out"
	tReload       = "A login survives a reload"
	tSignupForm   = "Sign-up explains what is wrong with the form"
	tSignup       = "Sign up lands on the dashboard"
	tConfirmMail  = "Sign up and confirm by email"
	tBuyerOrder   = "Buyer places an order"
	tGoalConfirm  = "Confirm a new account from the confirmation mail"
	tGoalTOTP     = "Sign in to the account with two-step verification"
	tProfile      = "Profile form validates phone and website"
	tLiveFilter   = "Search filters the product list as you type"
	tSearchLink   = "A search can be opened from its link"
	tNoResults    = "Searching for something not sold says so"
	tPrice        = "The ergonomic mouse costs €45.90"
	tSettings     = "Save notification settings"
	tGoalSignup   = "Sign up with a new account"
	tGoalPrice    = "Find the price of the ergonomic mouse"
	driftSlowness = "800ms"
)

var mutants = []Mutant{
	{Name: mutPriceOffByOneCent, Kind: Bug, Description: "the ergonomic mouse costs €45.89 instead of €45.90",
		Breaks: []string{tPrice, tGoalPrice}},
	{Name: mutPriceDropsTrailingZero, Kind: Bug, Description: "prices print without their trailing zero (€45.9)",
		Breaks: []string{tPrice, tGoalPrice}},
	{Name: mutLoginButtonDead, Kind: Bug, Description: "the Log in button is not a submit button: clicking it does nothing",
		Breaks:   []string{tLogin, tWrongPass, tLoginCode, tLogout, tReload, tProfile, tSettings, tBuyerOrder, tGoalTOTP},
		rewrites: []rewrite{{"templates/login.html", `<button type="submit">Log in</button>`, `<button type="button">Log in</button>`}}},
	{Name: mutLoginIgnoresNext, Kind: Bug, Description: "after logging in you land on the dashboard, not the page you asked for",
		Breaks: []string{tProfile, tSettings, tBuyerOrder}},
	{Name: mutLoginAnyPassword, Kind: Bug, Description: "any password logs the demo account in",
		Breaks: []string{tWrongPass}},
	{Name: mutLoginErrorHidden, Kind: Bug, Description: "a failed login shows the form again without saying why",
		Breaks: []string{tWrongPass}},
	{Name: mutDashboardTypo, Kind: Bug, Description: `the dashboard says "Welcom back"`,
		Breaks:   []string{tLogin, tLoginCode, tReload, tGoalTOTP},
		rewrites: []rewrite{{"templates/dashboard.html", `Welcome back, {{.User.Name}}!`, `Welcom back, {{.User.Name}}!`}}},
	{Name: mutSessionLostOnReload, Kind: Bug, Description: "a login lasts for one page: the next page (a reload, a form post) asks to log in again",
		Breaks: []string{tReload, tProfile, tSettings, tBuyerOrder}},
	{Name: mutSignupBadEmail, Kind: Bug, Description: "sign-up does not check the email address",
		Breaks: []string{tSignupForm}},
	{Name: mutSignupShortPassword, Kind: Bug, Description: "sign-up accepts passwords shorter than 8 characters",
		Breaks: []string{tSignupForm}},
	{Name: mutSignupIgnoresConfirm, Kind: Bug, Description: "sign-up does not compare the password with its confirmation",
		Breaks: []string{tSignupForm}},
	{Name: mutSignupToLogin, Kind: Bug, Description: "a successful sign-up sends you to the login page, not logged in",
		Breaks: []string{tSignup, tGoalSignup, tConfirmMail, tGoalConfirm}},
	{Name: mutSignupMailNeverSent, Kind: Bug, Description: "sign-up says the confirmation mail was sent, and never sends it",
		Breaks: []string{tConfirmMail, tGoalConfirm}},
	{Name: mutSignupNoWelcome, Kind: Bug, Description: `a new account's dashboard never says "Your account is ready."`,
		Breaks: []string{tSignup, tGoalSignup, tConfirmMail, tGoalConfirm}},
	{Name: mutDashboardWrongName, Kind: Bug, Description: "the dashboard greets every user as the demo account's owner",
		Breaks: []string{tSignup, tLoginCode, tGoalSignup, tGoalTOTP}},
	{Name: mutProfileBadPhone, Kind: Bug, Description: "the profile form accepts any phone number",
		Breaks: []string{tProfile}},
	{Name: mutProfileBadWebsite, Kind: Bug, Description: "the profile form accepts a website without http:// or https://",
		Breaks: []string{tProfile}},
	{Name: mutProfileSave500, Kind: Bug, Description: `saving the profile answers HTTP 500 and stores nothing, while the page says "Profile saved."`,
		Breaks: []string{tProfile}},
	{Name: mutLogoutNoop, Kind: Bug, Description: "Log out sends you home but keeps you logged in",
		Breaks: []string{tLogout}},
	{Name: mutSearchCountOffByOne, Kind: Bug, Description: "the live search reports one product fewer than it shows",
		Breaks: []string{tNoResults}},
	{Name: mutSearchLinkIgnoresQuery, Kind: Bug, Description: "opening /products?q=… lists every product",
		Breaks: []string{tSearchLink}},
	{Name: mutSearchNoEmptyMessage, Kind: Bug, Description: "a search without results shows an empty list and no message",
		Breaks: []string{tNoResults},
		rewrites: []rewrite{{"static/products.js", `empty.hidden = data.count !== 0;`, `empty.hidden = true;`},
			{"templates/products.html", `<p id="no-results"{{if .Products}} hidden{{end}}>`, `<p id="no-results" hidden>`}}},
	{Name: mutSearchJSError, Kind: Bug, Description: "the search script calls a function that was renamed, so searching never redraws the list",
		Breaks:   []string{tLiveFilter, tNoResults, tGoalPrice},
		rewrites: []rewrite{{"static/products.js", `        render(data);`, `        renderProducts(data);`}}},
	{Name: mutSearchAPI500, Kind: Bug, Description: "the search API answers HTTP 500",
		Breaks: []string{tLiveFilter, tNoResults, tGoalPrice}},

	{Name: mutDriftRenamedSignupLink, Kind: Drift, Description: `the home page's "Create an account" link now reads "Sign up free"`,
		rewrites: []rewrite{{"templates/home.html", `<a href="/signup">Create an account</a>`, `<a href="/signup">Sign up free</a>`}}},
	{Name: mutDriftSwappedLoginFields, Kind: Drift, Description: "the login form asks for the password before the email",
		rewrites: []rewrite{{"templates/login.html",
			"{{template \"field\" field . \"email\" \"Email\" \"email\" \"username\" \"\"}}\n{{template \"field\" field . \"password\" \"Password\" \"password\" \"current-password\" \"\"}}",
			"{{template \"field\" field . \"password\" \"Password\" \"password\" \"current-password\" \"\"}}\n{{template \"field\" field . \"email\" \"Email\" \"email\" \"username\" \"\"}}"}}},
	{Name: mutDriftSlowSearch, Kind: Drift, Description: "the search API answers after " + driftSlowness + ", well within the suite's waits"},
	{Name: mutDriftSlowLogin, Kind: Drift, Description: "logging in takes " + driftSlowness + " longer"},
	{Name: mutDriftProductsByPrice, Kind: Drift, Description: "products are listed by price instead of by name"},
}

// Mutants returns every mutant, bugs first, in a stable order.
func Mutants() []Mutant {
	out := slices.Clone(mutants)
	for i := range out {
		out[i].Breaks = slices.Clone(out[i].Breaks)
		out[i].rewrites = slices.Clone(out[i].rewrites)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind == Bug && out[j].Kind == Drift })
	return out
}

// LookupMutant returns the mutant with this name.
func LookupMutant(name string) (Mutant, bool) {
	for _, m := range mutants {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}

// MutantNames lists the valid Config.Mutant values, for error messages.
func MutantNames() string {
	names := make([]string, len(mutants))
	for i, m := range mutants {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}

// mutated says whether the app runs with the named mutant.
func (a *App) mutated(name string) bool { return a.cfg.Mutant == name }

// rewriteFile applies the running mutant's rewrites of one file.
func (a *App) rewriteFile(file string, data []byte) ([]byte, error) {
	m, ok := LookupMutant(a.cfg.Mutant)
	if !ok {
		return data, nil
	}
	for _, r := range m.rewrites {
		if r.file != file {
			continue
		}
		s := string(data)
		if !strings.Contains(s, r.old) {
			return nil, fmt.Errorf("mutant %s: %s does not contain %q", m.Name, file, r.old)
		}
		data = []byte(strings.Replace(s, r.old, r.new, 1))
	}
	return data, nil
}

// searchProducts is the product search with the running mutant's price
// and ordering changes.
func (a *App) searchProducts(q string) []product {
	list := searchProducts(q)
	for i := range list {
		switch {
		case a.mutated(mutPriceOffByOneCent) && list[i].Name == "Ergonomic mouse":
			list[i].PriceCents--
			list[i].Price = formatPrice(list[i].PriceCents)
		case a.mutated(mutPriceDropsTrailingZero):
			list[i].Price = strings.TrimSuffix(list[i].Price, "0")
		}
	}
	if a.mutated(mutDriftProductsByPrice) {
		slices.SortStableFunc(list, func(x, y product) int { return x.PriceCents - y.PriceCents })
	}
	return list
}

// slow delays an answer by the slow drifts' delay, or until the client
// gives up.
func (a *App) slow(r *http.Request) {
	d, _ := time.ParseDuration(driftSlowness)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// sessionSpent implements session-lost-on-reload: a login is good for the
// first page that needs it only.
func (a *App) sessionSpent(r *http.Request) bool {
	if !a.mutated(mutSessionLostOnReload) {
		return false
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	if a.store.useSession(c.Value) > 1 {
		a.store.deleteSession(c.Value)
		return true
	}
	return false
}
