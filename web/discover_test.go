package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/store"
)

// TestDiscoverPages: a member starts a discovery from the project's
// Discover page and follows it to its own page, which reloads while it
// runs; once done it shows the map as pages linked both ways with their
// forms, and the suggested tests, which the member edits and accepts into
// the project. A broken file is shown again with its problem; another
// tenant sees nothing.
func TestDiscoverPages(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("max@example.com")
	res := c.get("/projects/" + p.ID.String() + "/discover")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Start discovery") {
		t.Fatalf("discover page: %d", res.StatusCode)
	}
	res = c.post("/projects/"+p.ID.String()+"/discover", url.Values{"max_pages": {"20"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/discoveries/") {
		t.Fatalf("start: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res = c.get(res.Header.Get("Location"))
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `http-equiv="refresh"`) || !strings.Contains(res.Body, "Queued") {
		t.Fatalf("after start: %d %s", res.StatusCode, res.Body)
	}
	if res = c.post("/projects/"+p.ID.String()+"/discover", url.Values{"max_pages": {"100000"}}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a budget over the server's: %d", res.StatusCode)
	}
	ds, err := e.st.ListDiscoveries(e.ctx, e.tenant.ID, p.ID, 10)
	if err != nil || len(ds) != 1 || ds[0].MaxPages != 20 {
		t.Fatalf("discoveries: %+v %v", ds, err)
	}
	d := ds[0]
	yaml := "tests:\n- name: Home page shows the shop\n  url: /\n  steps:\n    - expect text \"Shop\"\n- name: Products link opens products\n  url: /\n  steps:\n    - click role link \"Products\"\n    - expect url \"/products\"\n"
	appMap := `{"base_url":"http://app.test","pages":[
	 {"path":"/","url":"http://app.test/","title":"Shop","via":"start"},
	 {"path":"/products","url":"http://app.test/products","title":"Products","via":"link",
	  "forms":[{"name":"Search","method":"get","kind":"search","fields":[{"tag":"input","type":"search","label":"Search products","required":true}]}]}],
	 "links":[{"from":"/","to":"/products","text":"Products","visible":true}]}`
	if _, err := e.st.StartDiscovery(e.ctx, e.tenant.ID, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.st.UpdateDiscoveryProgress(e.ctx, e.tenant.ID, d.ID, 3, 1); err != nil {
		t.Fatal(err)
	}
	if res := c.get("/discoveries/" + d.ID.String()); !strings.Contains(res.Body, "3 pages and 1 forms mapped so far") {
		t.Errorf("the running discovery's page does not show its progress")
	}
	if _, err := e.st.FinishDiscovery(e.ctx, e.tenant.ID, d.ID, store.DiscoveryResult{Pages: 2, Forms: 1, SuggestedCount: 2,
		AppMap: []byte(appMap), SuggestedYAML: yaml}); err != nil {
		t.Fatal(err)
	}
	page := "/discoveries/" + d.ID.String()
	res = c.get(page)
	for _, want := range []string{`id="page-1"`, `href="#page-2" class="maplink">/products</a>`, "Linked from: <a href=\"#page-1\">/</a>",
		"Search products", "Products link opens products", `action="` + page + `/accept"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("discovery page lacks %q", want)
		}
	}
	if strings.Contains(res.Body, `http-equiv="refresh"`) {
		t.Error("a finished discovery still reloads")
	}
	// The member drops the second test and accepts the first.
	edited := yaml[:strings.Index(yaml, "- name: Products")]
	res = c.post(page+"/accept", url.Values{"yaml": {edited}})
	if res.StatusCode == http.StatusSeeOther {
		res = c.get(res.Header.Get("Location"))
	}
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Accepted: 1 tests") {
		t.Fatalf("accept: %d %s", res.StatusCode, res.Body[strings.Index(res.Body, "accept-error"):])
	}
	tests, _, err := e.st.ListTests(e.ctx, e.tenant.ID, store.TestFilter{ProjectID: &p.ID})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tt := range tests {
		names = append(names, tt.Name)
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "Checkout,Home page shows the shop" {
		t.Errorf("tests after accepting: %v", names)
	}
	res = c.post(page+"/accept", url.Values{"yaml": {"tests:\n- name: Broken\n  steps:\n    - frobnicate\n"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, `id="accept-error"`) || !strings.Contains(res.Body, "frobnicate") {
		t.Errorf("broken file: %d", res.StatusCode)
	}

	// In Chromium the map is navigable: a page's "Links to" entry moves to
	// that page's card.
	b := openBrowser(t, e, 1280, 900)
	b.login("max@example.com")
	b.open(page)
	b.click(browser.ByCSS("#page-1 a.maplink"))
	b.waitFor(`location.hash === "#page-2"`)
	b.shot("discovery")

	eve := e.otherTenantAdmin()
	for _, path := range []string{page, "/projects/" + p.ID.String() + "/discover"} {
		if res := eve.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s from another tenant: %d", path, res.StatusCode)
		}
	}
	if res := eve.post(page+"/accept", url.Values{"yaml": {edited}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("accept from another tenant: %d", res.StatusCode)
	}
}

// TestDiscoveryCancelButton: a running discovery's page has a Cancel
// button; pressed, the discovery is cancelled and its page says so, no
// longer reloads and offers no Cancel. Another tenant's press is 404.
func TestDiscoveryCancelButton(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("max@example.com")
	res := c.post("/projects/"+p.ID.String()+"/discover", url.Values{"max_pages": {"20"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d", res.StatusCode)
	}
	page := res.Header.Get("Location")
	id := strings.TrimPrefix(page, "/discoveries/")
	ds, err := e.st.ListDiscoveries(e.ctx, e.tenant.ID, p.ID, 10)
	if err != nil || len(ds) != 1 || ds[0].ID.String() != id {
		t.Fatalf("discoveries: %+v %v", ds, err)
	}
	if _, err := e.st.StartDiscovery(e.ctx, e.tenant.ID, ds[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.st.UpdateDiscoveryProgress(e.ctx, e.tenant.ID, ds[0].ID, 3, 1); err != nil {
		t.Fatal(err)
	}
	if res = c.get(page); !strings.Contains(res.Body, `action="`+page+`/cancel"`) {
		t.Fatalf("the running discovery's page has no Cancel: %s", res.Body)
	}

	other, err := e.st.CreateTenant(e.ctx, "Other", "")
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.st.CreateUser(e.ctx, "eve@example.com", "Eve", password)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddMember(e.ctx, other.ID, u.ID, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if res := e.login("eve@example.com").post(page+"/cancel", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("cancel from another tenant: %d", res.StatusCode)
	}

	res = c.post(page+"/cancel", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
		t.Fatalf("cancel: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res = c.get(page)
	if !strings.Contains(res.Body, "was cancelled after 3 pages and 1 forms") || strings.Contains(res.Body, `http-equiv="refresh"`) ||
		strings.Contains(res.Body, `/cancel"`) {
		t.Errorf("the cancelled discovery's page: %s", res.Body)
	}
	if d, _ := e.st.GetDiscovery(e.ctx, e.tenant.ID, ds[0].ID); d.Status != store.DiscoveryCancelled {
		t.Errorf("discovery %s", d.Status)
	}
	// Pressed again (a second tab), it lands on the same page.
	if res = c.post(page+"/cancel", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("second cancel: %d", res.StatusCode)
	}
}
