package app

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// pendingCookie carries a login that passed the password and waits for
// its one-time code. It is short-lived: a code is typed within minutes.
const (
	pendingCookie = "demo_2fa"
	pendingTTL    = 5 * time.Minute
)

const msgCodeInvalid = "That code is not valid. Enter the current 6-digit code from your authenticator app."

// askForCode parks a login whose password was right and sends the browser
// to the code page.
func (a *App) askForCode(w http.ResponseWriter, r *http.Request, u *user, next string) {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	a.store.mu.Lock()
	a.store.pending[sha256.Sum256([]byte(token))] = session{userID: u.ID, expires: time.Now().Add(pendingTTL)}
	a.store.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: pendingCookie, Value: token, Path: "/login", MaxAge: int(pendingTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login/code?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// pendingUser returns the user a pending login belongs to.
func (a *App) pendingUser(r *http.Request) (*user, [32]byte, bool) {
	c, err := r.Cookie(pendingCookie)
	if err != nil || c.Value == "" {
		return nil, [32]byte{}, false
	}
	key := sha256.Sum256([]byte(c.Value))
	a.store.mu.Lock()
	defer a.store.mu.Unlock()
	p, ok := a.store.pending[key]
	if !ok || time.Now().After(p.expires) {
		delete(a.store.pending, key)
		return nil, key, false
	}
	u, ok := a.store.byID[p.userID]
	return u, key, ok
}

func (a *App) codePage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"), "/dashboard")
	if _, _, ok := a.pendingUser(r); !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	a.render(w, r, http.StatusOK, "logincode", view{Title: "Two-step verification", Active: "login", Form: map[string]string{"next": next}})
}

func (a *App) checkCode(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	next := localPath(r.PostFormValue("next"), "/dashboard")
	u, key, ok := a.pendingUser(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	code := strings.ReplaceAll(strings.TrimSpace(r.PostFormValue("code")), " ", "")
	// One period of skew either side, as most sites allow, so a code typed
	// as it rolls over still counts.
	valid, err := totp.ValidateCustom(code, u.TOTPSeed, time.Now(), totp.ValidateOpts{
		Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil || !valid {
		a.render(w, r, http.StatusUnauthorized, "logincode", view{Title: "Two-step verification", Active: "login",
			Alert: msgCodeInvalid, Errors: fieldErrors{"code": "Enter the current code."}, Form: map[string]string{"next": next}})
		return
	}
	a.store.mu.Lock()
	delete(a.store.pending, key)
	a.store.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: pendingCookie, Value: "", Path: "/login", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	a.startSession(w, u)
	http.Redirect(w, r, next, http.StatusSeeOther)
}
