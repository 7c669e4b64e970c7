package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/suite"
)

// maxRememberedLen bounds one remembered value, in bytes: a value is an
// id or a short text a later test types or looks for, never a page.
const maxRememberedLen = 500

// rememberValue reads the value a remember step names from the page and
// keeps it in the result for the later tests of a plan. The value is what
// the page shows, so a label's neighbour rather than the label: the <dd>
// after a <dt>, the cell after a <th>, the control of a <label>, the
// sibling after a label-like element, or the rest of a text that starts
// with the label ("Order number: A-1042"). A CSS or role locator reads the
// element itself.
func (at *attempt) rememberValue(ctx context.Context, st suite.Step) (string, error) {
	l := st.Target
	var value string
	deadline := at.cfg.ExpectTimeout
	// Like an expectation, give a page that fills in a value late a moment.
	ok, detail, perr := at.pollFunc(ctx, deadline, func() (bool, string, error) {
		raw, err := at.sess.ExecuteScript(ctx, rememberScript, l.CSS, l.Text, l.Label, l.Role, l.Name)
		if err != nil {
			return false, "", err
		}
		var got struct {
			Value string `json:"value"`
			Found bool   `json:"found"`
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			return false, "", fmt.Errorf("reading the value: %w", err)
		}
		value = collapse(got.Value)
		if !got.Found || value == "" {
			return false, fmt.Sprintf("%s shows no value on %s", at.sec.forRecord(l.String()), at.pageName()), nil
		}
		return true, "", nil
	})
	if perr != nil {
		return "", perr
	}
	if !ok {
		return "", fmt.Errorf("%w: %s", browser.ErrNotFound, detail)
	}
	if len(value) > maxRememberedLen {
		return "", fmt.Errorf("%w: the value of %s is %d bytes; a remembered value is at most %d (point at the element holding just the value)", browser.ErrInvalidTarget, l, len(value), maxRememberedLen)
	}
	if at.res.Vars == nil {
		at.res.Vars = map[string]string{}
	}
	// Kept as recorded: a secret's value in the page text stays masked
	// for the tests that use it, as in every record.
	at.res.Vars[st.Value] = at.sec.forRecord(value)
	return fmt.Sprintf("remembered %s = %q (from %s)", suite.VarPlaceholder(st.Value), value, l), nil
}

// pollFunc retries check until it holds or within passes.
func (at *attempt) pollFunc(ctx context.Context, within time.Duration, check func() (bool, string, error)) (bool, string, error) {
	deadline := time.Now().Add(within)
	for {
		ok, detail, err := check()
		if err != nil || ok || time.Now().After(deadline) {
			return ok, detail, err
		}
		if err := sleep(ctx, 150*time.Millisecond); err != nil {
			return false, "", err
		}
	}
}

// rememberScript finds the value a locator names. Arguments: css, text,
// label, role, name (one of css, text, label, role set).
const rememberScript = `const [css, text, label, role, name] = arguments;
const norm = s => (s || "").replace(/\s+/g, " ").trim();
const key = s => norm(s).replace(/\s*:$/, "").toLowerCase();
const shown = e => { if (!e) return false; const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
const valueOf = e => e.matches("input,textarea,select") ? (e.tagName === "SELECT" ? (e.selectedOptions[0] || {}).text : e.value) : e.innerText;
const out = v => ({found: true, value: norm(v)});
if (css) { const e = document.querySelector(css); return e ? out(valueOf(e)) : {found: false}; }
if (role) {
  const implicit = {status: "[role=status],output", heading: "h1,h2,h3,h4,h5,h6", cell: "td", textbox: "input,textarea", link: "a[href]", button: "button"};
  for (const e of document.querySelectorAll("[role='" + CSS.escape(role) + "']" + (implicit[role] ? "," + implicit[role] : ""))) {
    if (!shown(e)) continue;
    const n = norm(e.getAttribute("aria-label") || e.innerText).toLowerCase();
    if (!name || n.includes(norm(name).toLowerCase())) return out(valueOf(e));
  }
  return {found: false};
}
const want = key(text || label);
const own = e => key(e.innerText);
const labelled = () => {
  for (const l of document.querySelectorAll("label")) {
    if (own(l) !== want || !shown(l)) continue;
    const c = l.control || (l.htmlFor && document.getElementById(l.htmlFor));
    if (c) return c;
  }
  for (const e of document.querySelectorAll("[aria-label]")) if (key(e.getAttribute("aria-label")) === want && shown(e)) return e;
  for (const e of document.querySelectorAll("[aria-labelledby]")) {
    const n = e.getAttribute("aria-labelledby").split(/\s+/).map(id => { const x = document.getElementById(id); return x ? x.innerText : ""; }).join(" ");
    if (key(n) === want && shown(e)) return e;
  }
  return null;
};
const c = labelled();
if (c) return out(valueOf(c));
if (label) return {found: false};
const all = [...document.body.querySelectorAll("*")].filter(e => shown(e) && !["SCRIPT", "STYLE"].includes(e.tagName));
for (const e of all) {
  if (own(e) !== want) continue;
  if (e.tagName === "DT") { let d = e.nextElementSibling; while (d && d.tagName !== "DD") d = d.nextElementSibling; if (d) return out(d.innerText); }
  if (e.tagName === "TH") {
    const row = e.parentElement, cells = [...row.children], i = cells.indexOf(e);
    if (cells[i + 1]) return out(cells[i + 1].innerText);
    const table = e.closest("table"), body = table && table.tBodies[0] && table.tBodies[0].rows[0];
    if (body && body.cells[i]) return out(body.cells[i].innerText);
  }
  const next = e.nextElementSibling;
  if (next && shown(next) && norm(next.innerText)) return out(valueOf(next));
  const p = e.parentElement;
  if (p) { const rest = norm(p.innerText).slice(norm(e.innerText).length).replace(/^[\s:–-]+/, ""); if (rest) return out(rest); }
}
let best = null;
for (const e of all) {
  const t = own(e);
  if (t.length > want.length && t.startsWith(want) && /^[\s:–-]/.test(t.slice(want.length)) && (!best || t.length < own(best).length)) best = e;
}
if (best) return out(norm(best.innerText).slice(want.length).replace(/^[\s:–-]+/, ""));
return {found: false};`
