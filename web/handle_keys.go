package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

type keysData struct {
	Keys []store.APIKey
	// Created is the key just made, with its plaintext: shown in this
	// response only.
	Created *store.APIKey
	Form    keyForm
	Now     time.Time
}

type keyForm struct {
	Name, Days, Role string
	Errors           map[string]string
}

func (u *UI) showKeys(w http.ResponseWriter, r *http.Request, v *viewer, status int, d keysData) error {
	keys, err := u.app.ListAPIKeys(r.Context(), v.p)
	if err != nil {
		return err
	}
	d.Keys, d.Now = keys, time.Now()
	u.render(w, r, status, "keys", page{Title: "API keys", V: v, Nav: "keys", Data: d})
	return nil
}

func (u *UI) keyList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return u.showKeys(w, r, v, http.StatusOK, keysData{Form: keyForm{Days: "90", Role: "member"}})
}

// keyCreate makes a key and shows it once; only its hash is stored.
// Days "" or "0" make a key that does not expire.
func (u *UI) keyCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := keyForm{Name: strings.TrimSpace(r.PostFormValue("name")), Days: strings.TrimSpace(r.PostFormValue("expires_in_days")),
		Role: r.PostFormValue("role"), Errors: map[string]string{}}
	in := app.APIKeyInput{Name: f.Name, Role: f.Role}
	if f.Days != "" && f.Days != "0" {
		n, err := strconv.Atoi(f.Days)
		if err != nil {
			f.Errors["expires_in_days"] = "Use a number of days between 1 and 3650, or 0 for a key that does not expire."
			return u.showKeys(w, r, v, http.StatusBadRequest, keysData{Form: f})
		}
		in.ExpiresInDays = &n
	}
	k, err := u.app.CreateAPIKey(r.Context(), v.p, in)
	if err != nil {
		if !fieldErrors(err, f.Errors, nil) {
			return err
		}
		return u.showKeys(w, r, v, statusOf(err), keysData{Form: f})
	}
	return u.showKeys(w, r, v, http.StatusCreated, keysData{Created: k, Form: keyForm{Days: "90", Role: "member"}})
}

func (u *UI) keyRevoke(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "API key")
	if err != nil {
		return err
	}
	if err := u.app.RevokeAPIKey(r.Context(), v.p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/keys", http.StatusSeeOther)
	return nil
}
