package browser_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
)

// maxTokenRatio is the target for the compact observation against the raw
// HTML of a realistic page: what the model reads instead of the markup
// costs at most a fifth of its tokens.
const maxTokenRatio = 0.20

// pageCost is what the observation of one page costs against its HTML.
type pageCost struct {
	page             string
	elements         int
	compact, rawHTML int // tokens, estimated as characters / 4
	missing          []string
}

func (c pageCost) ratio() float64 { return float64(c.compact) / float64(c.rawHTML) }

// censusScript finds the rendered interactive elements by selector,
// independently of the page agent, as [x, y, width, height, markup].
const censusScript = `
	var sel = 'a[href],button,input:not([type=hidden]),select,textarea,summary,[role=button],[role=link],[role=checkbox],[role=tab],[role=menuitem],[contenteditable=""],[contenteditable=true],[onclick],[tabindex]:not([tabindex^="-"])';
	return Array.from(document.querySelectorAll(sel)).filter(function (e) {
		var r = e.getBoundingClientRect();
		return e.checkVisibility({visibilityProperty: true}) && r.width > 0 && r.height > 0;
	}).map(function (e) {
		var r = e.getBoundingClientRect();
		return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height), e.outerHTML.slice(0, 80)];
	});`

// measurePage observes one sample page and compares it with the page's
// HTML and with an independent census of its interactive elements.
func measurePage(ctx context.Context, s browser.Session, srv *browsertest.Server, name string) (pageCost, error) {
	c := pageCost{page: name}
	if err := s.Navigate(ctx, srv.URL("/sample/"+name)); err != nil {
		return c, err
	}
	o, err := s.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		return c, err
	}
	raw, err := s.ExecuteScript(ctx, "return document.documentElement.outerHTML")
	if err != nil {
		return c, err
	}
	var html string
	_ = json.Unmarshal(raw, &html)
	c.elements = len(o.Elements)
	c.compact = utf8.RuneCountInString(o.Render()) / 4
	c.rawHTML = utf8.RuneCountInString(html) / 4
	if raw, err = s.ExecuteScript(ctx, censusScript); err != nil {
		return c, err
	}
	var want [][5]any
	if err := json.Unmarshal(raw, &want); err != nil {
		return c, err
	}
	boxes := map[[4]float64]bool{}
	for _, e := range o.Elements {
		boxes[[4]float64{e.Box.X, e.Box.Y, e.Box.Width, e.Box.Height}] = true
	}
	for _, w := range want {
		if !boxes[[4]float64{w[0].(float64), w[1].(float64), w[2].(float64), w[3].(float64)}] {
			c.missing = append(c.missing, fmt.Sprint(w[4]))
		}
	}
	if len(want) == 0 {
		c.missing = append(c.missing, "(the census found no interactive element at all)")
	}
	return c, nil
}

// TestObservationSize checks the compact observation against the raw HTML
// on the realistic sample pages: at most 20 % of its tokens (characters/4,
// the usual estimate, on both sides) while every rendered interactive
// element is listed.
func TestObservationSize(t *testing.T) {
	ctx, s := open(t, browser.SessionConfig{})
	srv := browsertest.NewServer(t)
	for _, name := range browsertest.SamplePages() {
		c, err := measurePage(ctx, s, srv, name)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-10s %4d elements, compact %5d tokens, HTML %6d tokens: %.1f %%", name, c.elements, c.compact, c.rawHTML, 100*c.ratio())
		if c.ratio() > maxTokenRatio {
			t.Errorf("%s: compact observation is %.1f %% of the HTML, over %.0f %%", name, 100*c.ratio(), 100*maxTokenRatio)
		}
		for _, m := range c.missing {
			t.Errorf("%s: interactive element missing from the observation: %s", name, m)
		}
	}
}

// BenchmarkObserveTokenRatio reports the token cost of the compact
// observation against the raw HTML over the sample pages, per page
// ("<page>-token-%") and in total ("obs-token-%", which make bench
// publishes), and fails when an interactive element is missing, so the
// ratio is never bought by dropping elements. The pages are measured once;
// the timed loop renders their observations, what every model turn pays.
func BenchmarkObserveTokenRatio(b *testing.B) {
	ctx, s := open(b, browser.SessionConfig{})
	srv := browsertest.NewServer(b)
	var compact, raw, elements int
	var observations []*browser.Observation
	ratios := map[string]float64{}
	for _, name := range browsertest.SamplePages() {
		c, err := measurePage(ctx, s, srv, name)
		if err != nil {
			b.Fatal(err)
		}
		if len(c.missing) > 0 {
			b.Fatalf("%s: interactive elements missing: %v", name, c.missing)
		}
		o, err := s.Observe(ctx, browser.ObserveOptions{})
		if err != nil {
			b.Fatal(err)
		}
		observations = append(observations, o)
		compact, raw, elements = compact+c.compact, raw+c.rawHTML, elements+c.elements
		ratios[name+"-token-%"] = 100 * c.ratio()
	}
	for b.Loop() {
		for _, o := range observations {
			_ = o.Render()
		}
	}
	// Metrics reported before b.Loop would be reset by it.
	for unit, v := range ratios {
		b.ReportMetric(v, unit)
	}
	b.ReportMetric(100*float64(compact)/float64(raw), "obs-token-%")
	b.ReportMetric(float64(elements), "elements")
}

// TestUnlabelledFieldsGetNames observes real-world markup that labels
// fields only by their surroundings and checks that each field gets the
// name a person would use — and that a step can find it by that name.
func TestUnlabelledFieldsGetNames(t *testing.T) {
	ctx, s := open(t, browser.SessionConfig{})
	srv := browsertest.NewServer(t)
	for _, c := range []struct {
		page    string
		want    []string // `role "Name"` as Render writes them
		unnamed int      // interactive elements left without a name
	}{
		{"adminer", []string{
			`combobox "System" value="MySQL"`, `textbox "Server" placeholder="localhost"`, `textbox "Username" focused`,
			`textbox "Password" type=password`, `textbox "Database"`, `checkbox "Permanent login"`, `button "Login"`,
			`combobox "Language" value="English"`,
		}, 0},
		{"longform", []string{
			`textbox "Company name"`, `textbox "VAT number"`, `combobox "Industry"`, `spinbutton "Employees"`,
			`textbox "Website" type=url placeholder="https://"`, `textbox "First name"`, `textbox "Last name"`,
			`textbox "Email address" type=email`, `textbox "Phone" type=tel`, `textbox "Role" placeholder="e.g. QA lead"`,
			`textbox "Street address"`, `textbox "City"`, `textbox "State / Province"`, `textbox "ZIP / Postal code"`,
			`combobox "Country"`, `radio "Starter"`, `radio "Enterprise"`, `radio "Monthly" checked`, `radio "Yearly (2 months free)"`,
			`input "Start date" type=date`, `slider "Seats" value="10"`, `textbox "Notes"`, `input "Purchase order" type=file`,
			`checkbox "Send me product news, about once a month"`, `checkbox "terms"`,
		}, 0},
		{"table", []string{
			`searchbox "Search invoices"`, `combobox "Status" value="All"`, `input "From" type=date`, `input "to" type=date`,
			`checkbox "INV-1040"`, `spinbutton "INV-1040 COPIES"`, `button "Edit INV-1040"`, `checkbox "INV-1059"`,
		}, 1}, // the select-all checkbox in the header row has nothing to go by
	} {
		if err := s.Navigate(ctx, srv.URL("/sample/"+c.page)); err != nil {
			t.Fatal(err)
		}
		o, err := s.Observe(ctx, browser.ObserveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r := o.Render()
		lines := map[string]bool{}
		unnamed := 0
		for _, line := range strings.Split(r, "\n") {
			if _, rest, ok := strings.Cut(line, "] "); ok && strings.HasPrefix(line, "[") {
				lines[strings.TrimSuffix(rest, " in-frame")] = true
			}
		}
		for _, e := range o.Elements {
			if e.Name == "" {
				unnamed++
			}
		}
		for _, w := range c.want {
			if !hasLine(lines, w) {
				t.Errorf("%s: no element line %s in\n%s", c.page, w, r)
			}
		}
		if unnamed != c.unnamed {
			t.Errorf("%s: %d elements without a name, want %d:\n%s", c.page, unnamed, c.unnamed, r)
		}
	}

	// Steps find the fields by those names, by label and by role.
	if err := s.Navigate(ctx, srv.URL("/sample/adminer")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Type(ctx, browser.ByLabel("Database"), "shop", browser.TypeOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Type(ctx, browser.ByRole("textbox", "Username"), "root", browser.TypeOptions{}); err != nil {
		t.Fatal(err)
	}
	// The placeholder still finds the field it names.
	if _, err := s.Type(ctx, browser.ByLabel("localhost"), "db", browser.TypeOptions{}); err != nil {
		t.Fatal(err)
	}
	raw, err := s.ExecuteScript(ctx, `return [document.querySelector('[name="auth[db]"]').value, document.querySelector('[name="auth[username]"]').value, document.querySelector('[name="auth[server]"]').value].join(',')`)
	if err != nil || string(raw) != `"shop,root,db"` {
		t.Fatalf("typed into the wrong fields: %s %v", raw, err)
	}

	// The visible text does not repeat the options of a closed select,
	// which the element line carries.
	o, err := s.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(o.Text, "Deutsch") || strings.Contains(o.Text, "PostgreSQL") || !strings.Contains(o.Text, "Language:") {
		t.Errorf("the text repeats select options or lost its own text:\n%s", o.Text)
	}
	if e := findNamed(o, "Language"); e == nil || len(e.Options) != 26 || e.Options[8] != "Deutsch" {
		t.Errorf("the language select lost its options: %+v", e)
	}
}

// hasLine reports whether an element line starts with want, followed by
// the end of the line or further attributes.
func hasLine(lines map[string]bool, want string) bool {
	for l := range lines {
		if l == want || strings.HasPrefix(l, want+" ") {
			return true
		}
	}
	return false
}

func findNamed(o *browser.Observation, name string) *browser.Element {
	for i := range o.Elements {
		if o.Elements[i].Name == name {
			return &o.Elements[i]
		}
	}
	return nil
}
