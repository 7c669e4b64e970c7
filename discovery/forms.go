package discovery

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/argusqa/argus/browser"
)

// ErrSignIn: the persona could not sign in.
var ErrSignIn = errors.New("discovery: the persona could not sign in")

// login signs the session in as the persona through the sign-in form, as
// a user would: type the username and password, press the submit button.
func (d *discoverer) login(ctx context.Context, s browser.Session) error {
	p := d.cfg.Persona
	loginURL := d.base.ResolveReference(&url.URL{Path: p.LoginPath}).String()
	sc, _, _, err := d.load(ctx, s, loginURL)
	if err != nil {
		return fmt.Errorf("%w: open %s: %w", ErrSignIn, p.LoginPath, err)
	}
	var form *scanForm
	var user, pass *scanField
	for i := range sc.Forms {
		f := &sc.Forms[i]
		user, pass = nil, nil
		for j := range f.Fields {
			fl := &f.Fields[j]
			switch {
			case fl.Type == "password" && pass == nil:
				pass = fl
			case (fl.Type == "email" || fl.Type == "text" || fl.Type == "tel") && user == nil && pass == nil:
				user = fl
			}
		}
		if pass != nil && user != nil && len(f.Submits) > 0 {
			form = f
			break
		}
	}
	if form == nil {
		return fmt.Errorf("%w: %s has no form with a username field, a password field and a submit button", ErrSignIn, p.LoginPath)
	}
	if _, err := s.Type(ctx, browser.ByCSS(user.CSS), p.Username, browser.TypeOptions{Clear: true}); err != nil {
		return fmt.Errorf("%w: type the username: %w", ErrSignIn, err)
	}
	if _, err := s.Type(ctx, browser.ByCSS(pass.CSS), p.Password, browser.TypeOptions{Clear: true}); err != nil {
		return fmt.Errorf("%w: type the password: %w", ErrSignIn, err)
	}
	if _, err := s.Click(ctx, browser.ByCSS(form.Submits[0].CSS)); err != nil {
		return fmt.Errorf("%w: press %q: %w", ErrSignIn, form.Submits[0].Name, err)
	}
	loginKey := pageKey(mustParse(sc.URL))
	after := d.waitFor(ctx, s, 10*time.Second, func(a *scan) bool {
		u, err := url.Parse(a.URL)
		return err == nil && (pageKey(u) != loginKey || !a.HasPassword)
	})
	if after == nil {
		return fmt.Errorf("%w: still on %s after submitting the form (wrong credentials?)", ErrSignIn, p.LoginPath)
	}
	d.mu.Lock()
	if d.signIn == nil {
		d.signIn = &SignIn{
			Path: loginKey, UsernameLabel: user.Label, PasswordLabel: pass.Label,
			Submit: form.Submits[0].Name, Landed: pageKey(mustParse(after.URL)), Username: p.Username, Secret: p.PasswordSecret,
		}
	}
	d.mu.Unlock()
	return nil
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return &url.URL{}
	}
	return u
}

// waitFor scans the page until cond holds, at most limit; nil when it
// never did. Scans fail while a navigation is under way; they are retried.
func (d *discoverer) waitFor(ctx context.Context, s browser.Session, limit time.Duration, cond func(*scan) bool) *scan {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if sc, err := scanPage(ctx, s); err == nil && cond(sc) {
			return sc
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// probeJob is one form to submit empty.
type probeJob struct {
	page    string // page key
	url     string
	form    int // index in the page's forms
	persona bool
}

// probeForms is the forms phase: each form that may be submitted is
// submitted once with its fields empty, and the validation it answers
// with is recorded. Up to Parallel browsers share the work.
func (d *discoverer) probeForms(ctx context.Context) error {
	var jobs []probeJob
	d.mu.Lock()
	for _, p := range d.m.Pages {
		for i := range p.Forms {
			if probeable(&p.Forms[i], d.cfg.AllowDestructive) {
				jobs = append(jobs, probeJob{page: p.Path, url: p.URL, form: i, persona: p.Persona})
			}
		}
	}
	d.mu.Unlock()
	if len(jobs) == 0 {
		return nil
	}
	ch := make(chan probeJob)
	var wg sync.WaitGroup
	errc := make(chan error, d.cfg.Parallel)
	for _, persona := range []bool{false, true} {
		var mine []probeJob
		for _, j := range jobs {
			if j.persona == persona {
				mine = append(mine, j)
			}
		}
		if len(mine) == 0 {
			continue
		}
		workers := min(d.cfg.Parallel, len(mine))
		for i := range workers {
			wg.Go(func() {
				s, err := d.open(ctx, persona, i)
				if err != nil {
					errc <- err
					for range ch {
					}
					return
				}
				defer func() {
					closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
					defer cancel()
					_ = s.Close(closeCtx)
				}()
				for j := range ch {
					if !d.budget.take() {
						continue
					}
					if err := d.probe(ctx, s, j); err != nil {
						d.log.Warn("discovery: form not probed", "page", j.page, "error", err)
					}
				}
			})
		}
		for _, j := range mine {
			select {
			case ch <- j:
			case <-ctx.Done():
			}
		}
	}
	close(ch)
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	return ctx.Err()
}

// probe submits one form empty and records what the page answered.
func (d *discoverer) probe(ctx context.Context, s browser.Session, j probeJob) error {
	d.mu.Lock()
	f := d.m.Page(j.page).Forms[j.form]
	d.mu.Unlock()
	sc, _, _, err := d.load(ctx, s, j.url)
	if err != nil {
		return err
	}
	var sf *scanForm
	for i := range sc.Forms {
		if sc.Forms[i].CSS == f.css {
			sf = &sc.Forms[i]
		}
	}
	if sf == nil || len(sf.Submits) == 0 {
		return fmt.Errorf("form %q is gone", f.Name)
	}
	if _, err := s.Click(ctx, browser.ByCSS(sf.Submits[0].CSS)); err != nil {
		return fmt.Errorf("press %q: %w", sf.Submits[0].Name, err)
	}
	after := d.waitFor(ctx, s, 5*time.Second, func(a *scan) bool {
		if a.URL != sc.URL || !slices.Equal(a.Alerts, sc.Alerts) {
			return true
		}
		for _, af := range a.Forms {
			for _, fl := range af.Fields {
				if fl.ValidationMessage != "" || fl.Invalid {
					return true
				}
			}
		}
		return false
	})
	probe := &Probe{URL: pageKey(mustParse(sc.URL)), Stayed: true}
	if after != nil {
		probe.URL = pageKey(mustParse(after.URL))
		probe.Stayed = probe.URL == j.page
		for _, a := range after.Alerts {
			if !slices.Contains(sc.Alerts, a) && !slices.Contains(probe.Messages, a) {
				probe.Messages = append(probe.Messages, a)
			}
		}
		for _, af := range after.Forms {
			for _, fl := range af.Fields {
				old := sf.field(fl.Name, fl.ID)
				if old == nil || fl.Label == "" {
					continue
				}
				msg := fl.ValidationMessage
				if msg == "" && fl.Invalid {
					for _, h := range fl.Hints {
						if !slices.Contains(old.Hints, h) {
							msg = h
							break
						}
					}
				}
				if msg != "" {
					if probe.FieldErrors == nil {
						probe.FieldErrors = map[string]string{}
					}
					probe.FieldErrors[fl.Label] = msg
				}
			}
		}
	}
	d.mu.Lock()
	d.m.Page(j.page).Forms[j.form].Probe = probe
	d.mu.Unlock()
	return nil
}
