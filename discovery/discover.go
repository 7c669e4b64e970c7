package discovery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/internal/netpolicy"
)

// Result is a finished discovery: the map and the suggested tests.
type Result struct {
	Map   *Map
	Tests []Suggestion
	// SignIn is how the persona signed in, when one was given.
	SignIn *SignIn
	// Usage is the flows phase's model tokens.
	Usage llm.Usage
}

// SignIn is the sign-in form the persona used, as suggested tests address it.
type SignIn struct {
	Path          string
	UsernameLabel string
	PasswordLabel string
	Submit        string
	// Landed is the page the sign-in led to.
	Landed   string
	Username string
	// Secret is the placeholder's secret name for the password.
	Secret string
}

// ErrRefused: the target policy or the allowed origins refuse the base URL.
var ErrRefused = errors.New("discovery: the browser may not open the base URL")

// discoverer is one discovery in progress.
type discoverer struct {
	cfg     Config
	log     *slog.Logger
	base    *url.URL
	origins map[string]bool
	budget  *budget

	mu     sync.Mutex
	m      *Map
	scans  map[string]*scan // page key → its scan, for the forms phase
	signIn *SignIn
	links  map[[2]string]bool
	extra  map[string]bool // external, skipped and refused URLs already listed
}

// Run discovers the application at cfg.BaseURL: the map phase, then the
// forms phase, then the suggested tests. An error means nothing useful was
// learned (the start page refused or unreachable, the persona could not
// sign in); pages that fail to load later are left out of the map.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	base, _ := url.Parse(cfg.BaseURL)
	d := &discoverer{
		cfg: cfg, log: cfg.Logger, base: base,
		origins: map[string]bool{origin(base): true},
		budget:  &budget{left: cfg.MaxPages},
		m:       &Map{BaseURL: cfg.BaseURL, Started: time.Now().UTC()},
		scans:   map[string]*scan{},
		links:   map[[2]string]bool{},
		extra:   map[string]bool{},
	}
	for _, o := range cfg.AllowedOrigins {
		u, _ := url.Parse(o)
		d.origins[origin(u)] = true
	}
	if reason, _ := d.check(ctx, base); reason != "" {
		return nil, fmt.Errorf("%w: %s", ErrRefused, reason)
	}

	// Phase map, anonymous.
	if err := d.crawl(ctx, false); err != nil {
		return nil, err
	}
	// Phase map, as the persona; then the walls in front of its pages.
	if cfg.Persona != nil {
		if err := d.crawl(ctx, true); err != nil {
			return nil, err
		}
		if err := d.findWalls(ctx); err != nil {
			return nil, err
		}
	}
	if len(d.m.Pages) == 0 {
		return nil, errors.New("discovery: no page could be loaded from the base URL")
	}
	// Phase forms.
	if err := d.probeForms(ctx); err != nil {
		return nil, err
	}
	d.m.BudgetExhausted = d.budget.exhausted
	d.m.Finished = time.Now().UTC()
	res := &Result{Map: d.m, SignIn: d.signIn}
	res.Tests = suggest(res)
	// Phase flows, with a model. A model that fails costs the journeys,
	// not the map.
	if cfg.Model != nil {
		fs, usage, err := findFlows(ctx, cfg.Model, res)
		res.Usage = usage
		if err != nil {
			d.log.Warn("discovery: no flows", "error", err)
			d.m.FlowsError = err.Error()
		}
		d.m.Flows = fs
		res.Tests = append(res.Tests, filterSuggestions(flowSuggestions(fs), res.Tests)...)
	}
	return res, nil
}

func origin(u *url.URL) string { return strings.ToLower(u.Scheme + "://" + u.Host) }

// check says why the browser may not open u ("" if it may) and whether u
// is merely outside the allowed origins (external) rather than refused by
// the target policy.
func (d *discoverer) check(ctx context.Context, u *url.URL) (reason string, external bool) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return "not an http(s) URL", true
	}
	if !d.origins[origin(u)] {
		return "outside the allowed origins", true
	}
	if _, err := d.cfg.Policy.CheckHost(ctx, u.Hostname()); err != nil {
		var be *netpolicy.BlockedError
		if errors.As(err, &be) {
			return be.Detail(), false
		}
		return err.Error(), false
	}
	return "", false
}

// note records a URL that is not crawled, once.
func (d *discoverer) note(u, reason string, external bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.extra[u] {
		return
	}
	d.extra[u] = true
	switch {
	case external:
		d.m.External = append(d.m.External, u)
	case reason == "ends the session" || reason == "looks destructive" || reason == "not a page":
		d.m.Skipped = append(d.m.Skipped, u)
	default:
		d.m.Refused = append(d.m.Refused, Refusal{URL: u, Reason: reason})
	}
}

// crawl runs the map phase with Parallel browsers over one frontier.
func (d *discoverer) crawl(ctx context.Context, persona bool) error {
	f := newFrontier(d.budget)
	f.add(item{url: d.base.String(), key: pageKey(d.base), via: "start"})
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for i := range d.cfg.Parallel {
		wg.Go(func() {
			if err := d.worker(ctx, f, persona, i); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// worker is one browser of the crawl. It opens its browser only when there
// is work, so a small application does not start three.
func (d *discoverer) worker(ctx context.Context, f *frontier, persona bool, n int) error {
	var s browser.Session
	defer func() {
		if s != nil {
			closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = s.Close(closeCtx)
		}
	}()
	for {
		it, ok := f.next(ctx)
		if !ok {
			return nil
		}
		if s == nil {
			var err error
			s, err = d.open(ctx, persona, n)
			if err != nil {
				f.done()
				return err
			}
		}
		err := d.visit(ctx, s, f, it, persona)
		f.done()
		if ctx.Err() != nil {
			// Cancelled or out of time: the rest of the frontier would
			// only fail the same way; the crawl ends with ctx's error.
			return nil
		}
		if err != nil {
			d.log.Warn("discovery: page not mapped", "url", it.url, "error", err)
		}
	}
}

// open starts a browser, signed in as the persona when asked.
func (d *discoverer) open(ctx context.Context, persona bool, n int) (browser.Session, error) {
	egress, err := browser.NewEgressPolicy(&d.cfg.Policy, d.cfg.BaseURL, d.cfg.AllowedOrigins, false)
	if err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	s, err := d.cfg.Browser.Acquire(ctx, browser.AcquireOptions{AgentID: fmt.Sprintf("discovery-%d", n), Egress: egress})
	if err != nil {
		return nil, fmt.Errorf("discovery: start a browser: %w", err)
	}
	if persona {
		if err := d.login(ctx, s); err != nil {
			closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = s.Close(closeCtx)
			return nil, err
		}
	}
	return s, nil
}

// load navigates to u and scans the page it ends on; the console and
// network records of the load come with it.
func (d *discoverer) load(ctx context.Context, s browser.Session, u string) (*scan, int, int, error) {
	before := len(s.Console())
	if err := s.Navigate(ctx, u); err != nil {
		return nil, 0, 0, err
	}
	sc, err := scanPage(ctx, s)
	if err != nil {
		return nil, 0, 0, err
	}
	errs := 0
	if cons := s.Console(); len(cons) > before {
		for _, c := range cons[before:] {
			if c.Level == "error" {
				errs++
			}
		}
	}
	status := 0
	for _, ev := range slices.Backward(s.Network()) {
		if ev.Document && ev.URL == sc.URL {
			status = ev.Status
			break
		}
	}
	return sc, status, errs, nil
}

// visit maps one page: loads it, records it with its forms, and queues the
// pages it links to, including those behind menus and script links.
func (d *discoverer) visit(ctx context.Context, s browser.Session, f *frontier, it item, persona bool) error {
	sc, status, consoleErrs, err := d.load(ctx, s, it.url)
	if err != nil {
		return err
	}
	final, err := url.Parse(sc.URL)
	if err != nil {
		return fmt.Errorf("page URL %q: %w", sc.URL, err)
	}
	if reason, external := d.check(ctx, final); reason != "" {
		d.note(sc.URL, reason, external)
		return nil
	}
	key := pageKey(final)
	if key != it.key {
		f.markSeen(key)
	}
	d.record(it, key, sc, status, consoleErrs, persona)
	d.follow(ctx, f, key, sc.Links, "link", persona)

	// Menus: open each toggle, read the links it revealed, close it again.
	for _, t := range sc.Toggles {
		if _, err := s.Click(ctx, browser.ByCSS(t.CSS)); err != nil {
			continue
		}
		if after, err := scanPage(ctx, s); err == nil {
			if u, _ := url.Parse(after.URL); u != nil && pageKey(u) == key {
				d.follow(ctx, f, key, after.Links, "menu", persona)
			} else if f.budget.take() {
				// The toggle navigated: take the page as a link and come back.
				d.follow(ctx, f, key, []scanLink{{Href: after.URL, Text: t.Name, Visible: true}}, "menu", persona)
				if err := s.Navigate(ctx, sc.URL); err != nil {
					return err
				}
				continue
			}
		}
		_ = s.PressKey(ctx, "Escape")
	}
	// Script links (role=link without href): click, see where the page's
	// router went, come back.
	for _, t := range sc.ScriptLinks {
		if !f.budget.take() {
			break
		}
		if _, err := s.Click(ctx, browser.ByCSS(t.CSS)); err != nil {
			continue
		}
		to := d.waitURLChange(ctx, s, sc.URL)
		if to != "" {
			d.follow(ctx, f, key, []scanLink{{Href: to, Text: t.Name, Visible: true}}, "script", persona)
		}
		if err := s.Navigate(ctx, sc.URL); err != nil {
			return err
		}
	}
	return nil
}

// waitURLChange waits up to 2 s for the page's URL to leave from; it
// returns the new URL, or "".
func (d *discoverer) waitURLChange(ctx context.Context, s browser.Session, from string) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if raw, err := s.ExecuteScript(ctx, "return location.href"); err == nil {
			if u := strings.Trim(string(raw), `"`); u != from && u != "" {
				return u
			}
		}
		select {
		case <-ctx.Done():
			return ""
		case <-tick.C:
		}
	}
}

// follow queues the allowed links of page key and records the edges.
func (d *discoverer) follow(ctx context.Context, f *frontier, from string, links []scanLink, via string, persona bool) {
	for _, l := range links {
		u, err := url.Parse(l.Href)
		if err != nil {
			continue
		}
		if u.Scheme == "mailto" || u.Scheme == "tel" || u.Scheme == "javascript" {
			continue
		}
		if reason, external := d.check(ctx, u); reason != "" {
			d.note(u.String(), reason, external)
			continue
		}
		if reason := linkProblem(u, l.Text); reason != "" {
			d.note(u.String(), reason, false)
			continue
		}
		to := pageKey(u)
		d.addLink(Link{From: from, To: to, Text: l.Text, Nav: l.InNav, Visible: l.Visible, Persona: persona})
		target := *u
		if !strings.HasPrefix(u.Fragment, "/") && !strings.HasPrefix(u.Fragment, "!/") {
			target.Fragment = ""
		}
		f.add(item{url: target.String(), key: to, via: via})
	}
}

func (d *discoverer) addLink(l Link) {
	if l.From == l.To {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	k := [2]string{l.From, l.To}
	if d.links[k] {
		return
	}
	d.links[k] = true
	d.m.Links = append(d.m.Links, l)
}

// record adds a page to the map (once per key).
func (d *discoverer) record(it item, key string, sc *scan, status, consoleErrs int, persona bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m.Page(key) != nil {
		return
	}
	p := Page{
		Path: key, URL: sc.URL, Title: sc.Title, Headings: sc.Headings, Status: status,
		ConsoleErrors: consoleErrs, Persona: persona, SignIn: sc.HasPassword, Via: it.via,
	}
	for _, sf := range sc.Forms {
		p.Forms = append(p.Forms, formOf(sf))
	}
	d.m.Pages = append(d.m.Pages, p)
	d.scans[key] = sc
	if d.cfg.OnProgress != nil {
		forms := 0
		for _, pg := range d.m.Pages {
			forms += len(pg.Forms)
		}
		d.cfg.OnProgress(Progress{Pages: len(d.m.Pages), Forms: forms})
	}
}

// formOf turns a scanned form into the map's form.
func formOf(sf scanForm) Form {
	f := Form{
		Name: cmpOr(sf.Name, sf.Heading, sf.ID), Method: sf.Method, Action: sf.Action,
		NoValidate: sf.NoValidate, Fields: []Field{}, css: sf.CSS,
	}
	for _, fl := range sf.Fields {
		f.Fields = append(f.Fields, Field{
			Tag: fl.Tag, Type: fl.Type, Name: fl.Name, ID: fl.ID, Label: fl.Label, Required: fl.Required,
			Pattern: fl.Pattern, MinLength: fl.MinLength, MaxLength: fl.MaxLength, Min: fl.Min, Max: fl.Max,
			Autocomplete: fl.Autocomplete, Options: fl.Options, Hints: fl.Hints,
		})
	}
	for _, b := range sf.Submits {
		f.Submits = append(f.Submits, b.Name)
	}
	if sf.Role == "search" && f.Name == "" {
		f.Name = "search"
	}
	classifyForm(&f)
	return f
}

func cmpOr(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// findWalls opens the pages only the persona reached in an anonymous
// browser: those that send the visitor to a sign-in page are auth walls.
func (d *discoverer) findWalls(ctx context.Context) error {
	var paths []string
	d.mu.Lock()
	for _, p := range d.m.Pages {
		if p.Persona {
			paths = append(paths, p.URL)
		}
	}
	d.mu.Unlock()
	if len(paths) == 0 {
		return nil
	}
	s, err := d.open(ctx, false, 0)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = s.Close(closeCtx)
	}()
	for _, raw := range paths {
		if !d.budget.take() {
			break
		}
		u, _ := url.Parse(raw)
		sc, _, _, err := d.load(ctx, s, raw)
		if err != nil {
			d.log.Warn("discovery: auth wall check", "url", raw, "error", err)
			continue
		}
		final, err := url.Parse(sc.URL)
		if err != nil {
			continue
		}
		if pageKey(final) != pageKey(u) && sc.HasPassword {
			d.mu.Lock()
			d.m.AuthWalls = append(d.m.AuthWalls, AuthWall{Path: pageKey(u), SignIn: pageKey(final)})
			d.mu.Unlock()
		}
	}
	return nil
}
