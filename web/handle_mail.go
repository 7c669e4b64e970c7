package web

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// mailData is what the project's Mail page shows: the mailbox's domain,
// its newest messages and, when one is opened, that message.
type mailData struct {
	Box  *api.MailList
	Open *api.MailMessage
	// M365 is the project's Microsoft 365 mailbox, nil when none; Form
	// the admin's form for it, Flash what just happened.
	M365  *api.M365Connection
	Form  *m365Form
	Flash string
}

// mailList is the project's test mailbox, newest first.
func (u *UI) mailList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return u.showMailStatus(w, r, v, "", http.StatusOK, nil)
}

// mailMessage is the Mail page with one message opened.
func (u *UI) mailMessage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return u.showMailStatus(w, r, v, r.PathValue("message"), http.StatusOK, nil)
}

// showMailStatus renders the Mail page with message opened (if any) and
// the Microsoft 365 form as given (nil: filled from the stored settings).
func (u *UI) showMailStatus(w http.ResponseWriter, r *http.Request, v *viewer, message string, status int, form *m365Form) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	d := mailData{Form: form, Flash: map[string]string{"saved": "Microsoft 365 mailbox saved.", "disconnected": "Microsoft 365 mailbox disconnected; tests read the built-in test mailbox again.",
		"signed-in": "Signed in to Microsoft 365: tests read mail from this mailbox now."}[r.URL.Query().Get("m365")]}
	d.M365, err = u.app.M365(r.Context(), v.p, p.ID)
	if e, ok := app.AsError(err); ok && e.Code == app.CodeNotFound {
		d.M365, err = nil, nil
	}
	if err != nil {
		return err
	}
	if d.Form == nil {
		d.Form = &m365Form{Errors: map[string]string{}, M365Put: api.M365Put{Mode: "app_only"}}
		if c := d.M365; c != nil {
			d.Form.M365Put = api.M365Put{Mode: c.Mode, TenantID: c.TenantID, ClientID: c.ClientID, Mailbox: c.Mailbox, PlusAddressing: c.PlusAddressing}
		}
	}
	if d.M365 != nil {
		d.Form.SecretPlaceholder = "(kept when empty)"
	}
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
	u.render(w, r, status, "mail", page{Title: title, V: v, Project: p, Nav: "mail", Data: d})
	return nil
}
