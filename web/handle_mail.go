package web

import (
	"net/http"

	"github.com/argusqa/argus/api"
)

// mailData is what the project's Mail page shows: the mailbox's domain,
// its newest messages and, when one is opened, that message.
type mailData struct {
	Box  *api.MailList
	Open *api.MailMessage
}

// mailList is the project's test mailbox, newest first.
func (u *UI) mailList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return u.showMail(w, r, v, "")
}

// mailMessage is the Mail page with one message opened.
func (u *UI) mailMessage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return u.showMail(w, r, v, r.PathValue("message"))
}

func (u *UI) showMail(w http.ResponseWriter, r *http.Request, v *viewer, message string) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	var d mailData
	if message != "" {
		if d.Open, err = u.app.ProjectMailMessage(r.Context(), v.p, p.ID, message); err != nil {
			return err
		}
	}
	if d.Box, err = u.app.ProjectMail(r.Context(), v.p, p.ID, ""); err != nil {
		return err
	}
	title := "Mail · " + p.Name
	if d.Open != nil {
		title = d.Open.Subject + " · " + title
	}
	u.render(w, r, http.StatusOK, "mail", page{Title: title, V: v, Project: p, Nav: "mail", Data: d})
	return nil
}
