package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/store"
)

// githubTarget reads the project's stored GitHub settings the way the
// worker does.
func (e *env) githubTarget(p *store.Project) (github.Target, error) {
	e.t.Helper()
	in, err := e.st.GetIntegration(e.ctx, e.tenant.ID, store.IntegrationGitHub, &p.ID)
	if err != nil {
		return github.Target{}, err
	}
	return github.TargetFromConfig(in.Config)
}

func TestGitHubSettingsRoundTrip(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	// A token stored beside the settings (an installation token) survives
	// saving the form.
	if _, err := e.st.PutIntegration(e.ctx, e.tenant.ID, store.IntegrationInput{ProjectID: &p.ID, Kind: store.IntegrationGitHub,
		Config: map[string]any{"repository": "old/repo"}, Token: "ghs_kept"}); err != nil {
		t.Fatal(err)
	}
	c := e.login("ada@example.com")
	base := "/projects/" + p.ID.String()

	r := c.post(base+"/github", url.Values{"github_installation_id": {" 41234567 "}, "github_repository": {"acme/shop"},
		"github_report_errors": {"on"}, "github_close_on_pass": {"on"}})
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "done=github") {
		t.Fatalf("save: %d %s %s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	got, err := e.githubTarget(p)
	want := github.Target{InstallationID: 41234567, Repository: "acme/shop", ReportErrors: true, CloseOnPass: true}
	if err != nil || got != want {
		t.Fatalf("stored %+v (%v), want %+v", got, err, want)
	}
	if tok, err := e.st.IntegrationToken(e.ctx, e.tenant.ID, store.IntegrationGitHub, &p.ID); err != nil || tok != "ghs_kept" {
		t.Fatalf("token after save: %q %v", tok, err)
	}
	page := c.get(base + "/settings?done=github")
	for _, s := range []string{`id="github"`, `value="41234567"`, `value="acme/shop"`, `name="github_report_errors" value="on" checked`,
		`name="github_close_on_pass" value="on" checked`, "GitHub issue settings saved."} {
		if !strings.Contains(page.Body, s) {
			t.Errorf("settings page lacks %s", s)
		}
	}

	// Unchecked boxes are not sent: both switch off.
	if r := c.post(base+"/github", url.Values{"github_installation_id": {"7"}, "github_repository": {"acme/shop-2"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save 2: %d %s", r.StatusCode, r.Body)
	}
	if got, err := e.githubTarget(p); err != nil || got != (github.Target{InstallationID: 7, Repository: "acme/shop-2"}) {
		t.Fatalf("stored %+v (%v)", got, err)
	}
	if page := c.get(base + "/settings"); strings.Contains(page.Body, "checked") {
		t.Error("a box is still checked")
	}

	// An empty repository removes the integration.
	if r := c.post(base+"/github", url.Values{"github_installation_id": {"7"}, "github_repository": {""}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", r.StatusCode, r.Body)
	}
	if _, err := e.st.GetIntegration(e.ctx, e.tenant.ID, store.IntegrationGitHub, &p.ID); err == nil {
		t.Fatal("integration still stored after clearing the repository")
	}
	if page := c.get(base + "/settings?done=github-removed"); strings.Contains(page.Body, `value="acme/shop-2"`) || !strings.Contains(page.Body, "no longer reported") {
		t.Error("settings page after removal")
	}
	// Removing when there is nothing is not an error.
	if r := c.post(base+"/github", url.Values{"github_repository": {""}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove again: %d", r.StatusCode)
	}
}

func TestGitHubSettingsValidation(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("ada@example.com")
	base := "/projects/" + p.ID.String()
	for _, tc := range []struct {
		id, repo           string
		idErr, repoErr     string
		idInvalid, repoBad bool
	}{
		{id: "", repo: "acme/shop", idErr: "installation"},
		{id: "abc", repo: "acme/shop", idErr: "whole number"},
		{id: "12.5", repo: "acme/shop", idErr: "whole number"},
		{id: "99999999999999999999", repo: "acme/shop", idErr: "whole number"},
		{id: "0", repo: "acme/shop", idErr: "positive number"},
		{id: "-4", repo: "acme/shop", idErr: "positive number"},
		{id: "12", repo: "acme", repoErr: "owner/name"},
		{id: "12", repo: "https://github.com/acme/shop", repoErr: "owner/name"},
		{id: "12", repo: "acme/..", repoErr: "owner/name"},
		{id: "x", repo: "a b/c", idErr: "whole number", repoErr: "owner/name"},
	} {
		r := c.post(base+"/github", url.Values{"github_installation_id": {tc.id}, "github_repository": {tc.repo}, "github_close_on_pass": {"on"}})
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%q %q: %d", tc.id, tc.repo, r.StatusCode)
			continue
		}
		check := func(field, errID, want string) {
			i := strings.Index(r.Body, `id="`+errID+`"`)
			switch {
			case want == "" && i >= 0:
				t.Errorf("%q %q: unexpected message at %s", tc.id, tc.repo, field)
			case want != "" && (i < 0 || !strings.Contains(r.Body[i:min(len(r.Body), i+300)], want)):
				t.Errorf("%q %q: no message %q beside %s", tc.id, tc.repo, want, field)
			case want != "" && !strings.Contains(r.Body, `aria-describedby="`+errID+`"`):
				t.Errorf("%q %q: %s not marked invalid", tc.id, tc.repo, field)
			}
		}
		check("installation id", "gh-inst-err", tc.idErr)
		check("repository", "gh-repo-err", tc.repoErr)
		// What was typed stays in the form.
		if !strings.Contains(r.Body, `name="github_close_on_pass" value="on" checked`) {
			t.Errorf("%q %q: checkbox lost", tc.id, tc.repo)
		}
	}
	if _, err := e.st.GetIntegration(e.ctx, e.tenant.ID, store.IntegrationGitHub, &p.ID); err == nil {
		t.Fatal("invalid settings were stored")
	}
}

// Settings saved before the installation id could be set are shown with
// the reason the worker refuses them.
func TestGitHubSettingsIncompleteShown(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	if _, err := e.st.PutIntegration(e.ctx, e.tenant.ID, store.IntegrationInput{ProjectID: &p.ID, Kind: store.IntegrationGitHub,
		Config: map[string]any{"repository": "acme/shop"}}); err != nil {
		t.Fatal(err)
	}
	page := e.login("ada@example.com").get("/projects/" + p.ID.String() + "/settings")
	if !strings.Contains(page.Body, `value="acme/shop"`) || !strings.Contains(page.Body, "not reported to GitHub until") ||
		!strings.Contains(page.Body, "installation id must be a positive number") {
		t.Fatalf("incomplete settings not flagged:\n%s", page.Body)
	}
}

func TestGitHubSettingsAdminOnly(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	m := e.login("max@example.com")
	base := "/projects/" + p.ID.String()
	if r := m.post(base+"/github", url.Values{"github_installation_id": {"1"}, "github_repository": {"acme/shop"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member save: %d", r.StatusCode)
	}
	if _, err := e.st.GetIntegration(e.ctx, e.tenant.ID, store.IntegrationGitHub, &p.ID); err == nil {
		t.Fatal("a member's settings were stored")
	}
	if page := m.get(base + "/settings"); page.StatusCode != http.StatusOK || strings.Contains(page.Body, `id="github"`) {
		t.Fatalf("member settings page: %d, GitHub section shown: %v", page.StatusCode, strings.Contains(page.Body, `id="github"`))
	}
}
