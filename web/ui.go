package web

import (
	"log/slog"
	"net/http"

	"github.com/argusqa/argus/app"
)

// UI serves the web interface. Make one with New. Its live pages end with
// the App's streams (app.App.CloseStreams), which the API server closes
// when it shuts down.
type UI struct {
	cfg     Config
	app     *app.App
	log     *slog.Logger
	pages   *pages
	assets  *assets
	handler http.Handler
}

// New parses the templates, fingerprints the assets and builds the routes.
func New(cfg Config) (*UI, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	ps, err := parsePages(as)
	if err != nil {
		return nil, err
	}
	u := &UI{cfg: cfg, app: cfg.App, log: cfg.Logger, pages: ps, assets: as}
	u.handler = u.routes()
	return u, nil
}

// Handler returns the UI's handler: pages under "/" and assets under
// "/static/". Mount it beside the API server, which owns "/api/".
func (u *UI) Handler() http.Handler { return u.handler }

// routes is the UI's route table. Members run and edit tests and read
// everything; admin routes answer members with a 403 page.
func (u *UI) routes() http.Handler {
	mux := http.NewServeMux()
	pub := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, h) }
	member := func(pattern string, h appHandler) { mux.Handle(pattern, u.auth(false, h)) }
	admin := func(pattern string, h appHandler) { mux.Handle(pattern, u.auth(true, h)) }

	mux.Handle("GET /static/", u.assets)
	pub("GET /{$}", u.home)
	pub("GET /login", u.loginPage)
	pub("POST /login", u.login)
	pub("POST /logout", u.logout)
	pub("GET /forgot-password", u.forgotPage)
	pub("POST /forgot-password", u.forgot)
	pub("GET /reset-password", u.resetPage)
	pub("POST /reset-password", u.reset)
	member("POST /switch-tenant", u.switchTenant)

	member("GET /projects", u.projectList)
	member("POST /projects", u.projectCreate)
	member("GET /projects/{id}", u.healthBoard)
	member("GET /projects/{id}/health", u.healthMoved)
	member("GET /projects/{id}/health/live", u.healthLive)
	member("GET /projects/{id}/tests", u.testList)
	member("POST /projects/{id}/health/rerun-failing", u.healthRerunFailing)
	member("GET /projects/{id}/discover", u.discoverPage)
	member("POST /projects/{id}/discover", u.discoverStart)
	member("GET /discoveries/{id}", u.discoveryPage)
	member("POST /discoveries/{id}/accept", u.discoveryAccept)
	member("POST /discoveries/{id}/cancel", u.discoveryCancel)
	member("GET /projects/{id}/schedules", u.scheduleList)
	member("POST /projects/{id}/schedules", u.scheduleCreate)
	member("POST /schedules/{id}/pause", u.schedulePause)
	member("POST /schedules/{id}/digest", u.scheduleDigest)
	member("POST /schedules/{id}/delete", u.scheduleDelete)
	member("GET /projects/{id}/runs", u.runList)
	member("POST /projects/{id}/runs", u.runCreate)
	member("GET /projects/{id}/settings", u.projectSettings)
	member("POST /projects/{id}/settings", u.projectUpdate)
	admin("POST /projects/{id}/webhook", u.webhookUpdate)
	admin("POST /projects/{id}/webhook/rotate", u.webhookRotate)
	admin("POST /projects/{id}/github", u.githubUpdate)
	admin("POST /projects/{id}/secrets", u.secretPut)
	admin("POST /projects/{id}/secrets/{name}/delete", u.secretDelete)
	member("GET /projects/{id}/mail", u.mailList)
	member("GET /projects/{id}/mail/{message}", u.mailMessage)
	admin("POST /projects/{id}/m365", u.m365Put)
	admin("POST /projects/{id}/m365/sign-in", u.m365SignIn)
	admin("POST /projects/{id}/m365/delete", u.m365Delete)
	member("GET /integrations/m365/callback", u.m365Callback)
	member("GET /projects/{id}/plans", u.planList)
	member("POST /plans/{id}/run", u.planRun)
	// Members reach the role routes; the app layer refuses them, as in the API.
	member("POST /projects/{id}/roles", u.rolePut)
	member("POST /projects/{id}/roles/{name}/delete", u.roleDelete)
	member("GET /projects/{id}/personas", u.personaList)
	admin("POST /projects/{id}/personas", u.personaPut)
	admin("POST /projects/{id}/personas/{name}/delete", u.personaDelete)
	admin("GET /projects/{id}/deliveries", u.deliveryList)
	admin("POST /projects/{id}/deliveries/{delivery}/redeliver", u.deliveryRedeliver)
	admin("POST /projects/{id}/delete", u.projectDelete)

	member("GET /projects/{id}/tests/new", u.testNew)
	member("POST /projects/{id}/tests", u.testCreate)
	member("GET /tests/{id}", u.testEdit)
	member("POST /tests/{id}", u.testUpdate)
	member("POST /tests/{id}/delete", u.testDelete)
	member("POST /tests/{id}/run", u.testRun)

	member("GET /runs/{id}", u.runPage)
	member("GET /runs/{id}/live", u.runLive)
	member("GET /runs/{id}/plan", u.planRunPage)
	member("POST /runs/{id}/cancel", u.runCancel)
	member("GET /agents/{id}", u.agentPage)
	member("GET /agents/{id}/live", u.agentLive)
	member("POST /agents/{id}/cancel", u.agentCancel)
	member("POST /agents/{id}/rerun", u.agentRerun)
	member("GET /agents/{id}/screenshots/{attempt}/{index}", u.screenshot)
	member("GET /agents/{id}/video", u.video)

	admin("GET /settings/keys", u.keyList)
	admin("POST /settings/keys", u.keyCreate)
	admin("POST /settings/keys/{id}/revoke", u.keyRevoke)
	admin("GET /settings/members", u.memberList)
	admin("POST /settings/members", u.memberInvite)
	admin("POST /settings/members/{id}/role", u.memberRole)
	admin("POST /settings/members/{id}/reset-link", u.memberResetLink)
	admin("POST /settings/members/{id}/remove", u.memberRemove)
	admin("GET /settings/tenant", u.tenantPage)
	admin("GET /settings/tenant/export", u.tenantExport)
	admin("POST /settings/tenant/delete", u.tenantDelete)

	if u.cfg.RiverUI != nil {
		mux.Handle("GET /admin/river", http.RedirectHandler("/admin/river/", http.StatusMovedPermanently))
		admin("/admin/river/", u.riverUI)
	}

	// Unknown paths get the UI's own 404 page rather than the mux's text.
	pub("/", func(w http.ResponseWriter, r *http.Request) {
		u.renderError(w, r, nil, http.StatusNotFound, "Page not found", "There is nothing at this address.")
	})
	return u.secureHeaders(u.crossOrigin(mux))
}

// crossOrigin refuses cross-origin writes with the App's one check; a
// browser attaches the session cookie to those on its own.
func (u *UI) crossOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := u.app.CrossOriginProtection().Check(r); err != nil {
			u.renderError(w, r, nil, http.StatusForbidden, "Cross-origin request refused",
				"A change signed in with your session must come from Argus's own pages. Reload the page and try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// secureHeaders sets the page-specific headers; the API server, in front,
// sets the ones every response carries (nosniff, frame denial,
// Referrer-Policy). The policy allows only this origin's scripts and
// styles, so even text that escaped the template engine could not run;
// screenshots are same-origin images.
func (u *UI) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}

func (u *UI) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/projects", http.StatusSeeOther)
}
