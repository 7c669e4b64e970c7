package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/suite"
)

// act carries out one step that changes the page. pin, when set, is the
// element to act on, from the latest observation (the model's index, a
// replay's fingerprint); otherwise the step's locator finds it. The
// outcome is short and factual and never holds a secret value.
func (at *attempt) act(ctx context.Context, st suite.Step, pin *browser.Element) (string, error) {
	target := targetFor(st.Target, pin)
	switch st.Verb {
	case suite.VerbNavigate:
		u, err := suite.ResolveURL(at.task.BaseURL, st.Value)
		if err != nil {
			return "", fmt.Errorf("%w: %v", browser.ErrInvalidTarget, err)
		}
		if err := at.sess.Navigate(ctx, u); err != nil {
			return "", err
		}
		return "opened " + u, nil
	case suite.VerbBack:
		return "went back", at.sess.Back(ctx)
	case suite.VerbReload:
		return "reloaded the page", at.sess.Refresh(ctx)
	case suite.VerbClick:
		el, err := at.sess.Click(ctx, target)
		return "clicked " + el.Label(), err
	case suite.VerbType:
		value, err := at.sec.substitute(st.Value)
		if err != nil {
			return "", fmt.Errorf("%w: %v", browser.ErrInvalidTarget, err)
		}
		el, err := at.sess.Type(ctx, target, value, browser.TypeOptions{Clear: true})
		if el.Type == "password" {
			at.sec.typedIntoPassword(value)
		}
		return fmt.Sprintf("typed %q into %s", at.sec.forRecord(st.Value), el.Label()), err
	case suite.VerbTypeTOTP:
		names := st.Secrets()
		if len(names) != 1 {
			return "", fmt.Errorf("%w: type totp needs one {{secret.NAME}}", browser.ErrInvalidTarget)
		}
		code, err := at.sec.totpCode(ctx, names[0])
		if err != nil {
			if ctx.Err() != nil {
				return "", err
			}
			return "", fmt.Errorf("%w: %v", browser.ErrInvalidTarget, err)
		}
		el, err := at.sess.Type(ctx, target, code, browser.TypeOptions{Clear: true})
		return fmt.Sprintf("typed the current one-time code of %s into %s", st.Value, el.Label()), err
	case suite.VerbOpenEmailLink:
		return at.openEmailLink(ctx, st)
	case suite.VerbTypeEmailCode:
		return at.typeEmailCode(ctx, st, target)
	case suite.VerbClear:
		el, err := at.sess.Type(ctx, target, "", browser.TypeOptions{Clear: true})
		return "cleared " + el.Label(), err
	case suite.VerbSelect:
		el, err := at.sess.Select(ctx, target, st.Value)
		return fmt.Sprintf("selected %q in %s", el.Value, el.Label()), err
	case suite.VerbCheck, suite.VerbUncheck:
		want := st.Verb == suite.VerbCheck
		el, err := at.sess.Click(ctx, target)
		if err != nil {
			return "", err
		}
		if el.Checked == want {
			// It already was as wanted and the click toggled it: toggle
			// back, with the same trusted input a person would use.
			if _, err := at.sess.Click(ctx, browser.ByIndex(el.Index)); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("%s %s", map[bool]string{true: "checked", false: "unchecked"}[want], el.Label()), nil
	case suite.VerbPress:
		where := ""
		if !st.Target.IsZero() || pin != nil {
			el, err := at.sess.Click(ctx, target)
			if err != nil {
				return "", err
			}
			where = " in " + el.Label()
		}
		return "pressed " + st.Key + where, at.sess.PressKey(ctx, st.Key)
	case suite.VerbScrollDown, suite.VerbScrollUp:
		dy := 640
		if at.obs != nil && at.obs.Viewport.Height > 0 {
			dy = at.obs.Viewport.Height * 4 / 5
		}
		if st.Verb == suite.VerbScrollUp {
			dy = -dy
		}
		return st.Verb.String(), at.sess.Scroll(ctx, browser.ScrollOptions{DeltaY: dy})
	case suite.VerbScrollTo:
		return "scrolled to " + target.String(), at.sess.Scroll(ctx, browser.ScrollOptions{Target: &target})
	case suite.VerbUpload:
		if !slices.Contains(at.task.Uploads, st.Value) {
			return "", fmt.Errorf("%w: %s is not one of the test's files", browser.ErrInvalidTarget, filepath.Base(st.Value))
		}
		el, err := at.sess.Upload(ctx, target, st.Value)
		return fmt.Sprintf("put %s into %s", filepath.Base(st.Value), el.Label()), err
	case suite.VerbWait:
		return "waited " + suite.FormatDuration(st.Duration), sleep(ctx, st.Duration)
	case suite.VerbWaitFor, suite.VerbWaitForURL:
		return at.waitFor(ctx, st)
	case suite.VerbRemember:
		return at.rememberValue(ctx, st)
	}
	return "", fmt.Errorf("%w: %s is not an action", browser.ErrInvalidTarget, st.Verb)
}

func targetFor(l suite.Locator, pin *browser.Element) browser.Target {
	if pin != nil {
		return browser.ByIndex(pin.Index)
	}
	return browser.Target{Text: l.Text, Label: l.Label, Role: l.Role, Name: l.Name, CSS: l.CSS}
}

// waitFor polls until an element is visible or the URL contains a part.
func (at *attempt) waitFor(ctx context.Context, st suite.Step) (string, error) {
	limit := st.Duration
	if limit == 0 {
		limit = suite.DefaultWaitFor
	}
	check := suite.Step{Verb: suite.VerbExpectVisible, Target: st.Target}
	if st.Verb == suite.VerbWaitForURL {
		check = suite.Step{Verb: suite.VerbExpectURL, Value: st.Value}
	}
	ok, detail, err := at.poll(ctx, check, limit)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("%w: waited %s, but %s", browser.ErrNotFound, suite.FormatDuration(limit), detail)
	}
	return "waited until " + detail, nil
}

// appURL is the application's address: the base URL, or the start URL
// for a test without one.
func (at *attempt) appURL() string {
	if at.task.BaseURL != "" {
		return at.task.BaseURL
	}
	return at.task.StartURL
}

// verify checks an expectation, retrying for the expectation timeout so
// pages that update in the background pass. detail says what was seen.
func (at *attempt) verify(ctx context.Context, st suite.Step) (ok bool, detail string, err error) {
	switch st.Verb {
	case suite.VerbExpectEmail:
		return at.expectEmail(ctx, st)
	case suite.VerbExpectNoConsoleErrors:
		at.ev.news()
		if n := len(at.ev.errors); n > 0 {
			return false, fmt.Sprintf("the console shows %d error(s): %s", n, strings.Join(limit(at.ev.errors, 3), " | ")), nil
		}
		return true, "no console errors", nil
	case suite.VerbExpectNoFailedRequests, suite.VerbExpectNoFailedAppRequests:
		at.ev.news()
		keep, where := ownRequest, ""
		if st.Verb == suite.VerbExpectNoFailedAppRequests {
			app := sameOrigin(at.appURL())
			keep = func(n browser.NetworkEvent) bool { return ownRequest(n) && app(n) }
			where = " to the app"
		}
		if failed := at.ev.failedRequests(keep); len(failed) > 0 {
			return false, fmt.Sprintf("%d request(s)%s failed: %s", len(failed), where, strings.Join(limit(failed, 3), " | ")), nil
		}
		return true, "no failed requests" + where, nil
	}
	return at.poll(ctx, st, at.cfg.ExpectTimeout)
}

func (at *attempt) poll(ctx context.Context, st suite.Step, within time.Duration) (bool, string, error) {
	deadline := time.Now().Add(within)
	for {
		obs, _, err := at.observe(ctx)
		if err != nil {
			return false, "", err
		}
		ok, detail, err := at.holds(ctx, obs, st)
		if err != nil || ok || time.Now().After(deadline) {
			return ok, detail, err
		}
		if err := sleep(ctx, 150*time.Millisecond); err != nil {
			return false, "", err
		}
	}
}

// holds checks one expectation against an observation.
func (at *attempt) holds(ctx context.Context, obs *browser.Observation, st suite.Step) (bool, string, error) {
	value, err := at.sec.substitute(st.Value)
	if err != nil {
		return false, "", fmt.Errorf("%w: %v", browser.ErrInvalidTarget, err)
	}
	shown := at.sec.forRecord(st.Value)
	switch st.Verb {
	case suite.VerbExpectText, suite.VerbExpectNoText:
		found, err := at.pageHasText(ctx, obs, value)
		if err != nil {
			return false, "", err
		}
		if st.Verb == suite.VerbExpectText {
			if found {
				return true, fmt.Sprintf("the page shows %q", shown), nil
			}
			return false, fmt.Sprintf("the page does not show %q (%s)", shown, at.pageGist(obs)), nil
		}
		if found {
			return false, fmt.Sprintf("the page shows %q", shown), nil
		}
		return true, fmt.Sprintf("the page does not show %q", shown), nil
	case suite.VerbExpectURL:
		if strings.Contains(obs.URL, value) {
			return true, fmt.Sprintf("the URL contains %q", shown), nil
		}
		return false, fmt.Sprintf("the URL is %s, which does not contain %q", at.sec.forRecord(obs.URL), shown), nil
	case suite.VerbExpectTitle:
		if strings.Contains(obs.Title, value) {
			return true, fmt.Sprintf("the title contains %q", shown), nil
		}
		return false, fmt.Sprintf("the title is %q, which does not contain %q", at.sec.forRecord(obs.Title), shown), nil
	case suite.VerbExpectVisible, suite.VerbExpectHidden:
		vis, err := at.visible(ctx, obs, st.Target)
		if err != nil {
			return false, "", err
		}
		desc := at.sec.forRecord(st.Target.String())
		if vis == (st.Verb == suite.VerbExpectVisible) {
			return true, fmt.Sprintf("%s is %s", desc, map[bool]string{true: "visible", false: "hidden"}[vis]), nil
		}
		if vis {
			return false, desc + " is visible", nil
		}
		return false, fmt.Sprintf("%s is not visible on %s", desc, at.sec.forRecord(obs.URL)), nil
	}
	return false, "", fmt.Errorf("%w: %s is not an expectation", browser.ErrInvalidTarget, st.Verb)
}

// pageHasText looks for text in the observation's visible text, and in the
// whole document when the observation's text was truncated.
func (at *attempt) pageHasText(ctx context.Context, obs *browser.Observation, text string) (bool, error) {
	want := collapse(text)
	if strings.Contains(collapse(obs.Text), want) {
		return true, nil
	}
	for _, e := range obs.Elements {
		if strings.Contains(collapse(e.Name), want) || (e.Value != "" && strings.Contains(collapse(e.Value), want)) {
			return true, nil
		}
	}
	if !obs.TextTruncated {
		return false, nil
	}
	raw, err := at.sess.ExecuteScript(ctx, `return document.body ? document.body.innerText : "";`)
	if err != nil {
		return false, err
	}
	var all string
	_ = json.Unmarshal(raw, &all)
	return strings.Contains(collapse(all), want), nil
}

// visible checks whether an element matching l is shown.
func (at *attempt) visible(ctx context.Context, obs *browser.Observation, l suite.Locator) (bool, error) {
	match := func(have, want string) bool {
		return want != "" && strings.Contains(strings.ToLower(collapse(have)), strings.ToLower(collapse(want)))
	}
	switch {
	case l.CSS != "":
		raw, err := at.sess.ExecuteScript(ctx, `const e = document.querySelector(arguments[0]);
if (!e) return false;
const r = e.getBoundingClientRect(), s = getComputedStyle(e);
return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none" && s.opacity !== "0";`, l.CSS)
		if err != nil {
			return false, err
		}
		var vis bool
		_ = json.Unmarshal(raw, &vis)
		return vis, nil
	case l.Text != "":
		if strings.Contains(collapse(obs.Text), collapse(l.Text)) {
			return true, nil
		}
		return slices.ContainsFunc(obs.Elements, func(e browser.Element) bool { return match(e.Name, l.Text) }), nil
	case l.Label != "":
		return slices.ContainsFunc(obs.Elements, func(e browser.Element) bool {
			return match(e.Name, l.Label) || match(e.Placeholder, l.Label)
		}), nil
	case l.Role != "":
		if slices.ContainsFunc(obs.Elements, func(e browser.Element) bool {
			return strings.EqualFold(e.Role, l.Role) && (l.Name == "" || match(e.Name, l.Name))
		}) {
			return true, nil
		}
		// The observation lists what can be acted on; headings, images and
		// other landmarks a test may expect are looked up in the page.
		raw, err := at.sess.ExecuteScript(ctx, visibleRoleScript, strings.ToLower(l.Role), collapse(l.Name))
		if err != nil {
			return false, err
		}
		var vis bool
		_ = json.Unmarshal(raw, &vis)
		return vis, nil
	}
	return false, fmt.Errorf("%w: empty locator", browser.ErrInvalidTarget)
}

// pageGist is a short description of the page for failure messages.
func (at *attempt) pageGist(obs *browser.Observation) string {
	text := oneLine(obs.Text, 160)
	if text == "" {
		text = "no visible text"
	} else {
		text = "it shows: " + strconvQuote(text)
	}
	return fmt.Sprintf("on %s, titled %q; %s", at.sec.forRecord(obs.URL), at.sec.forRecord(obs.Title), at.sec.forRecord(text))
}

func strconvQuote(s string) string { return "\"" + s + "\"" }

// describePage is appended to an action's outcome: where the page is now,
// and any new console errors or failed requests.
func describePage(obs *browser.Observation) string {
	if obs == nil {
		return ""
	}
	where := obs.URL
	if u, err := url.Parse(obs.URL); err == nil && u.Path != "" {
		where = u.Path
		if u.RawQuery != "" {
			where += "?" + u.RawQuery
		}
	}
	return fmt.Sprintf("; page is %s %q", where, oneLine(obs.Title, 80))
}

// failedDocument returns a description of a failed page load of target,
// "" when it loaded.
func failedDocument(sess browser.Session, target string) string {
	events := sess.Network()
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if e.Document {
			if e.Failed() && strings.TrimRight(e.URL, "/") == strings.TrimRight(target, "/") {
				return describeRequest(e)
			}
			return ""
		}
	}
	return ""
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// isPageProblem reports whether err means the page did not allow the
// action (as opposed to the browser or Argus failing).
func isPageProblem(err error) bool {
	return errors.Is(err, browser.ErrNotFound) || errors.Is(err, browser.ErrNotActionable) ||
		errors.Is(err, browser.ErrStaleTarget) || errors.Is(err, browser.ErrInvalidTarget) ||
		errors.Is(err, browser.ErrPageLoadTimeout)
}

// visibleRoleScript reports whether a shown element has the ARIA role
// arguments[0] (explicit, or implied by its tag) and an accessible name
// containing arguments[1] (case-insensitive; "" matches any).
const visibleRoleScript = `const [role, name] = arguments;
const implicit = {heading: "h1,h2,h3,h4,h5,h6", img: "img[alt]", list: "ul,ol", listitem: "li",
  article: "article", navigation: "nav", main: "main", banner: "header", contentinfo: "footer",
  table: "table", row: "tr", cell: "td", paragraph: "p", dialog: "dialog", form: "form[aria-label],form[name]",
  link: "a[href]", button: "button,input[type=button],input[type=submit]", textbox: "input:not([type]),input[type=text],input[type=email],textarea",
  checkbox: "input[type=checkbox]", radio: "input[type=radio]", combobox: "select", region: "section[aria-label]"};
const sel = "[role='" + CSS.escape(role) + "']" + (implicit[role] ? "," + implicit[role] : "");
const want = name.toLowerCase();
const label = e => (e.getAttribute("aria-label") || (e.getAttribute("aria-labelledby") || "").split(/\s+/).map(id => {
  const l = id && document.getElementById(id); return l ? l.textContent : ""; }).join(" ") ||
  e.getAttribute("alt") || e.innerText || e.value || e.getAttribute("title") || "").replace(/\s+/g, " ").trim().toLowerCase();
for (const e of document.querySelectorAll(sel)) {
  const explicit = e.getAttribute("role");
  if (explicit && explicit !== role) continue;
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  if (r.width === 0 || r.height === 0 || s.visibility === "hidden" || s.display === "none" || s.opacity === "0") continue;
  if (!want || label(e).includes(want)) return true;
}
return false;`
