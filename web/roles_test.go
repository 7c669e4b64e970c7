package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// TestRolesForm adds, changes and deletes a project role on the plans
// page through the app layer's PutRole and DeleteRole: what it refuses
// comes back as a 400 with what was typed and the message beside its
// field; built-in roles have no edit or delete.
func TestRolesForm(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("ada@example.com")
	page := "/projects/" + p.ID.String() + "/plans"
	roles := "/projects/" + p.ID.String() + "/roles"

	body := c.get(page).Body
	for _, want := range []string{`action="` + roles + `"`, `id="role-name" name="name" value=""`, "Save role", "ux-auditor", "built in, read-only"} {
		if !strings.Contains(body, want) {
			t.Errorf("plans page lacks %q", want)
		}
	}
	for _, builtin := range []string{"explorer", "functional-qa", "ux-auditor", "accessibility-auditor"} {
		if strings.Contains(body, roles+"/"+builtin+"/delete") || strings.Contains(body, "edit="+builtin) {
			t.Errorf("the built-in role %s has an edit or delete control", builtin)
		}
	}
	if r := c.get(page + "?edit=ux-auditor"); strings.Contains(r.Body, `id="role-name" name="name" value="ux-auditor"`) {
		t.Error("?edit= fills the form with a built-in role")
	}

	r := c.post(roles, url.Values{"name": {"Checkout Auditor"}, "prompt": {"Every amount must add up."}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `id="role-name" name="name" value="Checkout Auditor" placeholder="checkout-auditor" aria-invalid="true">`) ||
		!strings.Contains(r.Body, ">Every amount must add up.</textarea>") ||
		!strings.Contains(roleField(r.Body, "name"), `<p class="fielderr" role="alert">Role name &#34;Checkout Auditor&#34; must start with a lower-case letter`) {
		t.Fatalf("bad name: %d\n%s", r.StatusCode, r.Body)
	}
	r = c.post(roles, url.Values{"name": {"checkout-auditor"}, "prompt": {"  "}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `value="checkout-auditor"`) ||
		!strings.Contains(roleField(r.Body, "prompt"), `<p class="fielderr" role="alert">The role&#39;s prompt is empty.</p>`) ||
		strings.Contains(roleField(r.Body, "name"), "fielderr") {
		t.Fatalf("empty prompt: %d\n%s", r.StatusCode, r.Body)
	}
	r = c.post(roles, url.Values{"name": {"ux-auditor"}, "prompt": {"Mine now."}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(roleField(r.Body, "name"), "A built-in role has this name") || !strings.Contains(r.Body, ">Mine now.</textarea>") {
		t.Fatalf("built-in name: %d\n%s", r.StatusCode, r.Body)
	}
	if got, err := e.st.ListRoles(e.ctx, e.tenant.ID, p.ID); err != nil || len(got) != 0 {
		t.Fatalf("a refused form stored a role: %+v %v", got, err)
	}

	r = c.post(roles, url.Values{"name": {"checkout-auditor"}, "prompt": {"Every amount\r\nmust add up.\r\n"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	body = c.get(r.Header.Get("Location")).Body
	for _, want := range []string{"Role saved.", `data-role="checkout-auditor"`, "this project's", "Every amount\nmust add up.",
		`href="` + page + `?edit=checkout-auditor#role-form"`, `action="` + roles + `/checkout-auditor/delete"`, "each time they are synced"} {
		if !strings.Contains(body, want) {
			t.Errorf("after create, the page lacks %q", want)
		}
	}
	body = c.get(page + "?edit=checkout-auditor").Body
	if !strings.Contains(body, `id="role-name" name="name" value="checkout-auditor"`) || !strings.Contains(body, ">Every amount\nmust add up.</textarea>") {
		t.Errorf("?edit= does not fill the form:\n%s", body)
	}
	if r := c.post(roles, url.Values{"name": {"checkout-auditor"}, "prompt": {"Totals, tax and shipping must add up."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.StatusCode, r.Body)
	}
	got, err := e.st.GetRole(e.ctx, e.tenant.ID, p.ID, "checkout-auditor")
	if err != nil || got.Prompt != "Totals, tax and shipping must add up." {
		t.Fatalf("stored after edit: %+v %v", got, err)
	}

	// The page's warning holds: a sync of files defining the role puts
	// the file's prompt back over the edit.
	admin := &app.Principal{TenantID: e.tenant.ID, Role: store.RoleAdmin, UserID: &e.admin.ID}
	files := []app.TestFile{{Path: "roles.yaml", Content: "name: Audit\ngoal: Check the totals\nrole: checkout-auditor\n---\nroles:\n  - name: checkout-auditor\n    prompt: From the file.\n"}}
	if _, err := e.app.SyncTestFiles(e.ctx, admin, p.ID, files); err != nil {
		t.Fatal(err)
	}
	if got, err := e.st.GetRole(e.ctx, e.tenant.ID, p.ID, "checkout-auditor"); err != nil || got.Prompt != "From the file." {
		t.Fatalf("after sync: %+v %v", got, err)
	}

	if r := c.post(roles+"/ux-auditor/delete", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("delete a built-in role: %d", r.StatusCode)
	}
	r = c.post(roles+"/checkout-auditor/delete", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", r.StatusCode, r.Body)
	}
	if body := c.get(r.Header.Get("Location")).Body; !strings.Contains(body, "Role deleted.") || strings.Contains(body, `data-role="checkout-auditor"`) {
		t.Error("the deleted role is still shown")
	}
	if _, err := e.st.GetRole(e.ctx, e.tenant.ID, p.ID, "checkout-auditor"); err == nil {
		t.Fatal("the role is still stored")
	}
}

// TestRolesFormRefusals: a member sees the project's roles but no form,
// and the app layer's refusal of a change is a clear 403 page; another
// tenant's admin neither sees the role nor changes or deletes it.
func TestRolesFormRefusals(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	if _, err := e.st.PutRole(e.ctx, e.tenant.ID, p.ID, "checkout-auditor", "Every amount must add up."); err != nil {
		t.Fatal(err)
	}
	page := "/projects/" + p.ID.String() + "/plans"
	roles := "/projects/" + p.ID.String() + "/roles"

	m := e.login("max@example.com")
	body := m.get(page).Body
	if !strings.Contains(body, "Every amount must add up.") || strings.Contains(body, "Save role") || strings.Contains(body, roles+"/checkout-auditor/delete") ||
		!strings.Contains(body, "Only an admin of this tenant adds, changes or deletes") {
		t.Errorf("member view:\n%s", body)
	}
	for _, r := range []response{
		m.post(roles, url.Values{"name": {"checkout-auditor"}, "prompt": {"Never mind the totals."}}),
		m.post(roles+"/checkout-auditor/delete", nil),
	} {
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "Only an admin of this tenant may change roles.") {
			t.Errorf("member change: %d\n%s", r.StatusCode, r.Body)
		}
	}

	eve := e.otherTenantAdmin()
	if r := eve.get(page); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "Every amount") {
		t.Errorf("another tenant's page: %d", r.StatusCode)
	}
	if r := eve.post(roles, url.Values{"name": {"checkout-auditor"}, "prompt": {"Eve was here."}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("another tenant's put: %d", r.StatusCode)
	}
	if r := eve.post(roles+"/checkout-auditor/delete", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("another tenant's delete: %d", r.StatusCode)
	}
	got, err := e.st.GetRole(e.ctx, e.tenant.ID, p.ID, "checkout-auditor")
	if err != nil || got.Prompt != "Every amount must add up." {
		t.Fatalf("after the refusals: %+v %v", got, err)
	}
}

// roleField is the role form's markup from the field's control to the
// next field (or the form's end), where its message belongs.
func roleField(body, field string) string {
	i := strings.Index(body, `id="role-`+field+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], "<label"); j >= 0 {
		return rest[:j+1]
	}
	if j := strings.Index(rest, "</form>"); j >= 0 {
		return rest[:j]
	}
	return rest
}
