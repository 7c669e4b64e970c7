package app

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/smtp"
	"strings"
	"sync"
)

// confirmations are the open sign-up confirmation tokens, by token, and
// the addresses confirmed so far.
type confirmations struct {
	mu        sync.Mutex
	tokens    map[string]string // token → email
	confirmed map[string]bool
}

// confirmFrom is the shop's sender address.
const confirmFrom = "shop@lumen-office.example"

// sendConfirmation mails u a magic link that confirms the address, over
// plain SMTP to Config.SMTPAddr, as a multipart text and HTML message.
func (a *App) sendConfirmation(r *http.Request, u *user) error {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	a.confirms.mu.Lock()
	if a.confirms.tokens == nil {
		a.confirms.tokens, a.confirms.confirmed = map[string]string{}, map[string]bool{}
	}
	a.confirms.tokens[token] = strings.ToLower(u.Email)
	a.confirms.mu.Unlock()

	link := "http://" + r.Host + "/confirm?token=" + token
	const boundary = "lumen-confirm"
	msg := strings.Join([]string{
		"From: " + mime.QEncoding.Encode("utf-8", "Lumen Office Supply") + " <" + confirmFrom + ">",
		"To: " + u.Email,
		"Subject: Confirm your email",
		"MIME-Version: 1.0",
		`Content-Type: multipart/alternative; boundary="` + boundary + `"`,
		"",
		"--" + boundary,
		"Content-Type: text/plain; charset=utf-8",
		"",
		"Hello " + u.Name + ",",
		"",
		"Confirm your email address by opening this link:",
		link,
		"",
		"--" + boundary,
		"Content-Type: text/html; charset=utf-8",
		"",
		"<p>Hello " + html.EscapeString(u.Name) + ",</p>",
		`<p><a href="` + html.EscapeString(link) + `">Confirm my email</a></p>`,
		"--" + boundary + "--",
		"",
	}, "\r\n")
	if err := smtp.SendMail(a.cfg.SMTPAddr, nil, confirmFrom, []string{u.Email}, []byte(msg)); err != nil {
		return fmt.Errorf("mail %s: %w", a.cfg.SMTPAddr, err)
	}
	return nil
}

// confirm is the magic link: a known token confirms its address once.
func (a *App) confirm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	a.confirms.mu.Lock()
	email, ok := a.confirms.tokens[token]
	if ok {
		delete(a.confirms.tokens, token)
		a.confirms.confirmed[email] = true
	}
	a.confirms.mu.Unlock()
	v := view{Title: "Confirm your email"}
	if u, in := a.currentUser(r); in {
		v.User = &u
	}
	status := http.StatusOK
	if ok {
		v.Status = "Your email is confirmed."
	} else {
		status = http.StatusBadRequest
		v.Alert = "This confirmation link is not valid or was already used."
	}
	a.render(w, r, status, "confirm", v)
}
