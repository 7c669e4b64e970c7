package app

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

func (a *App) home(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "home", view{Title: "Lumen Office Supply"})
}

func (a *App) notFound(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusNotFound, "notfound", view{Title: "Page not found"})
}

func (a *App) signupPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.currentUser(r); ok {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	a.render(w, r, http.StatusOK, "signup", view{Title: "Create an account", Active: "signup"})
}

func (a *App) signup(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	f := signupForm{
		Name:     strings.TrimSpace(r.PostFormValue("name")),
		Email:    strings.TrimSpace(r.PostFormValue("email")),
		Password: r.PostFormValue("password"),
		Confirm:  r.PostFormValue("confirm"),
	}
	errs := f.validate()
	// Calibration mutants: validation that went missing.
	if a.mutated(mutSignupBadEmail) && errs["email"] == msgEmailInvalid {
		delete(errs, "email")
	}
	if a.mutated(mutSignupShortPassword) && errs["password"] == msgPasswordShort {
		delete(errs, "password")
	}
	if a.mutated(mutSignupIgnoresConfirm) {
		delete(errs, "confirm")
	}
	var u *user
	if len(errs) == 0 {
		var err error
		u, err = a.store.createUser(f.Name, f.Email, f.Password)
		switch {
		case errors.Is(err, errEmailTaken):
			errs["email"] = msgEmailTaken
		case err != nil:
			a.log.Error("create user", "err", err)
			http.Error(w, "Something went wrong.", http.StatusInternalServerError)
			return
		}
	}
	if len(errs) > 0 {
		a.render(w, r, http.StatusUnprocessableEntity, "signup", view{
			Title: "Create an account", Active: "signup", Alert: msgFixErrors, Errors: errs,
			Form: map[string]string{"name": f.Name, "email": f.Email},
		})
		return
	}
	if a.mutated(mutSignupToLogin) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	a.startSession(w, u)
	if a.mutated(mutSignupMailNeverSent) {
		http.Redirect(w, r, "/dashboard?welcome=new&mail=sent", http.StatusSeeOther)
		return
	}
	if a.cfg.SMTPAddr != "" {
		if err := a.sendConfirmation(r, u); err != nil {
			a.log.Error("send confirmation mail", "err", err)
			http.Redirect(w, r, "/dashboard?welcome=new&mail=failed", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/dashboard?welcome=new&mail=sent", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/dashboard?welcome=new", http.StatusSeeOther)
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"), "/dashboard")
	if _, ok := a.currentUser(r); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	a.render(w, r, http.StatusOK, "login", view{Title: "Log in", Active: "login", Form: map[string]string{"next": next}})
}

func (a *App) login(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	next := localPath(r.PostFormValue("next"), "/dashboard")
	if a.mutated(mutDriftSlowLogin) {
		a.slow(r)
	}
	if a.mutated(mutLoginIgnoresNext) {
		next = "/dashboard"
	}
	u := a.store.authenticate(email, r.PostFormValue("password"))
	if u == nil && a.mutated(mutLoginAnyPassword) {
		u = a.store.byEmail(email)
	}
	if u == nil {
		alert := msgLoginFailed
		if a.mutated(mutLoginErrorHidden) {
			alert = ""
		}
		a.render(w, r, http.StatusUnauthorized, "login", view{
			Title: "Log in", Active: "login", Alert: alert,
			Form: map[string]string{"email": email, "next": next},
		})
		return
	}
	if u.TOTPSeed != "" {
		a.askForCode(w, r, u, next)
		return
	}
	a.startSession(w, u)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	if a.mutated(mutLogoutNoop) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.store.deleteSession(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *App) dashboard(w http.ResponseWriter, r *http.Request, u user) {
	if a.mutated(mutDashboardWrongName) {
		if first, ok := a.store.snapshot(1); ok {
			u.Name = first.Name
		}
	}
	v := view{Title: "Dashboard", User: &u, Active: "dashboard"}
	if r.URL.Query().Get("welcome") == "new" && !a.mutated(mutSignupNoWelcome) {
		v.Status = "Your account is ready."
		switch r.URL.Query().Get("mail") {
		case "sent":
			v.Status += " We sent a confirmation link to " + u.Email + "."
		case "failed":
			v.Alert = "We could not send the confirmation mail; try again later."
		}
	}
	a.render(w, r, http.StatusOK, "dashboard", v)
}

func (a *App) profilePage(w http.ResponseWriter, r *http.Request, u user) {
	v := view{Title: "Your profile", User: &u, Active: "profile",
		Form: map[string]string{"name": u.Name, "phone": u.Phone, "website": u.Website, "bio": u.Bio}}
	if r.URL.Query().Get("saved") == "1" {
		v.Status = "Profile saved."
	}
	a.render(w, r, http.StatusOK, "profile", v)
}

func (a *App) saveProfile(w http.ResponseWriter, r *http.Request, u user) {
	if !a.parseForm(w, r) {
		return
	}
	f := profileForm{
		Name:    strings.TrimSpace(r.PostFormValue("name")),
		Phone:   strings.TrimSpace(r.PostFormValue("phone")),
		Website: strings.TrimSpace(r.PostFormValue("website")),
		Bio:     strings.TrimSpace(r.PostFormValue("bio")),
	}
	errs := f.validate()
	if a.mutated(mutProfileBadPhone) {
		delete(errs, "phone")
	}
	if a.mutated(mutProfileBadWebsite) {
		delete(errs, "website")
	}
	if len(errs) > 0 {
		a.render(w, r, http.StatusUnprocessableEntity, "profile", view{
			Title: "Your profile", User: &u, Active: "profile", Alert: msgFixErrors, Errors: errs,
			Form: map[string]string{"name": f.Name, "phone": f.Phone, "website": f.Website, "bio": f.Bio},
		})
		return
	}
	if a.mutated(mutProfileSave500) {
		// The defect: the store write fails, the page claims success.
		a.log.Error("save profile (calibration mutant)", "user", u.ID)
		a.render(w, r, http.StatusInternalServerError, "profile", view{Title: "Your profile", User: &u, Active: "profile",
			Status: "Profile saved.", Form: map[string]string{"name": f.Name, "phone": f.Phone, "website": f.Website, "bio": f.Bio}})
		return
	}
	a.store.updateProfile(u.ID, f)
	// Post/redirect/get, so reloading the page does not resubmit the form.
	http.Redirect(w, r, "/profile?saved=1", http.StatusSeeOther)
}

func (a *App) products(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	list := a.searchProducts(q)
	if a.mutated(mutSearchLinkIgnoresQuery) {
		list = a.searchProducts("")
	}
	a.render(w, r, http.StatusOK, "products", view{Title: "Products", Active: "products", Query: q, Products: list})
}

// productList is the JSON the product page's script fetches as you type.
type productList struct {
	Query    string    `json:"query"`
	Count    int       `json:"count"`
	Products []product `json:"products"`
}

func (a *App) apiProducts(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 200 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "query is longer than 200 characters"})
		return
	}
	if a.mutated(mutDriftSlowSearch) {
		a.slow(r)
	}
	if a.mutated(mutSearchAPI500) {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	list := a.searchProducts(q)
	if list == nil {
		list = []product{}
	}
	count := len(list)
	if a.mutated(mutSearchCountOffByOne) {
		count--
	}
	writeJSON(w, http.StatusOK, productList{Query: q, Count: count, Products: list})
}

func (a *App) settingsPage(w http.ResponseWriter, r *http.Request, u user) {
	a.render(w, r, http.StatusOK, "settings", view{Title: "Notification settings", User: &u, Active: "settings",
		Languages: []string{"English", "Nederlands", "Français"}})
}

// settingsRequest is what the settings page's script sends.
type settingsRequest struct {
	WeeklyDigest bool   `json:"weeklyDigest"`
	BackInStock  bool   `json:"backInStock"`
	Language     string `json:"language"`
}

// errSettingsStore is the demo's deliberate bug: the settings endpoint
// depends on a store this app never configures.
var errSettingsStore = errors.New("notification settings store is not configured")

// apiSaveSettings is deliberately broken, so the demo suite has a real
// failure to catch: it always answers 500, and the page's script (see
// static/settings.js) then throws instead of showing a confirmation.
func (a *App) apiSaveSettings(w http.ResponseWriter, r *http.Request, u user) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	var req settingsRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON body"})
		return
	}
	a.log.Error("save notification settings (deliberate demo failure)", "user", u.ID, "err", errSettingsStore)
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
}
