package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	keys, err := u.store.ListAPIKeys(r.Context(), v.TenantID)
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
func (u *UI) keyCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := keyForm{Name: strings.TrimSpace(r.PostFormValue("name")), Days: strings.TrimSpace(r.PostFormValue("expires_in_days")),
		Role: r.PostFormValue("role"), Errors: map[string]string{}}
	in := store.NewAPIKey{Name: f.Name, CreatedBy: &v.UserID}
	if f.Name == "" {
		f.Errors["name"] = "Name the key after where it is used, e.g. “GitHub Actions”."
	}
	role, err := store.ParseRole(f.Role)
	if err != nil {
		f.Errors["role"] = "Choose member or admin."
	}
	in.Role = role
	if f.Days != "" && f.Days != "0" {
		n, err := strconv.Atoi(f.Days)
		if err != nil || n < 1 || n > 3650 {
			f.Errors["expires_in_days"] = "Use a number of days between 1 and 3650, or 0 for a key that does not expire."
		} else {
			t := time.Now().Add(time.Duration(n) * 24 * time.Hour)
			in.ExpiresAt = &t
		}
	}
	if len(f.Errors) > 0 {
		return u.showKeys(w, r, v, http.StatusBadRequest, keysData{Form: f})
	}
	k, err := u.store.CreateAPIKey(r.Context(), v.TenantID, in)
	if errors.Is(err, store.ErrConflict) {
		f.Errors["name"] = "A key with this name exists already."
		return u.showKeys(w, r, v, http.StatusBadRequest, keysData{Form: f})
	}
	if err != nil {
		return err
	}
	return u.showKeys(w, r, v, http.StatusCreated, keysData{Created: k, Form: keyForm{Days: "90", Role: "member"}})
}

func (u *UI) keyRevoke(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "API key")
	if err != nil {
		return err
	}
	if err := u.store.RevokeAPIKey(r.Context(), v.TenantID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/keys", http.StatusSeeOther)
	return nil
}
