package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/mail"
	"strings"

	"github.com/argusqa/argus/store"
)

type membersData struct {
	Members []store.Member
	Form    inviteForm
	// Link is a reset link just made for Email: shown in this response
	// only, for the admin to pass on when no mail is sent.
	Link, LinkEmail string
	Mailed          bool
	Flash           string
}

type inviteForm struct {
	Email, Name, Role string
	Errors            map[string]string
}

func (u *UI) showMembers(w http.ResponseWriter, r *http.Request, v *viewer, status int, d membersData) error {
	ms, err := u.store.ListMembers(r.Context(), v.TenantID)
	if err != nil {
		return err
	}
	d.Members = ms
	if d.Form.Role == "" {
		d.Form.Role = "member"
	}
	u.render(w, r, status, "members", page{Title: "Members", V: v, Nav: "members", Data: d})
	return nil
}

func (u *UI) memberList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return u.showMembers(w, r, v, http.StatusOK, membersData{Flash: map[string]string{
		"role": "Role changed.", "removed": "Member removed; their sessions in this tenant have ended."}[r.URL.Query().Get("done")]})
}

// memberInvite adds a person. A new account gets a random password nobody
// sees and a one-day link to choose their own, mailed when a Mailer is
// configured and otherwise shown once to the admin.
func (u *UI) memberInvite(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := inviteForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), Errors: map[string]string{}}
	if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email {
		f.Errors["email"] = "Enter an email address like ana@example.com."
	}
	role, err := store.ParseRole(f.Role)
	if err != nil {
		f.Errors["role"] = "Choose member or admin."
	}
	if len(f.Errors) > 0 {
		return u.showMembers(w, r, v, http.StatusBadRequest, membersData{Form: f})
	}
	ctx := r.Context()
	user, err := u.store.FindUserByEmail(ctx, f.Email)
	isNew := errors.Is(err, store.ErrNotFound)
	switch {
	case isNew:
		name := f.Name
		if name == "" {
			name, _, _ = strings.Cut(f.Email, "@")
		}
		user, err = u.store.CreateUser(ctx, f.Email, name, randomPassword())
		if err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if _, err := u.store.Membership(ctx, v.TenantID, user.ID); err == nil {
		f.Errors["email"] = "This person is a member already."
		return u.showMembers(w, r, v, http.StatusConflict, membersData{Form: f})
	}
	if err := u.store.AddMember(ctx, v.TenantID, user.ID, role); err != nil {
		return err
	}
	d := membersData{Flash: user.Email + " was added as " + string(role) + "."}
	if isNew {
		if err := u.handOutResetLink(r, v, user, &d); err != nil {
			return err
		}
	}
	return u.showMembers(w, r, v, http.StatusCreated, d)
}

// handOutResetLink makes a link to choose a password and mails it, or puts
// it on the page for the admin to pass on.
func (u *UI) handOutResetLink(r *http.Request, v *viewer, user *store.User, d *membersData) error {
	tok, err := u.store.CreateResetToken(r.Context(), user.ID)
	if err != nil {
		return err
	}
	link := u.resetLink(tok)
	if u.cfg.Mailer != nil {
		body := v.User.Name + " gave you access to " + v.Tenant.Name + " on Argus.\n\nChoose your password within a day:\n\n" + link + "\n"
		if err := u.cfg.Mailer.SendMail(r.Context(), user.Email, "Your Argus account", body); err == nil {
			d.Mailed, d.LinkEmail = true, user.Email
			return nil
		}
		u.log.Error("invitation mail not sent; showing the link to the admin instead", "error", err)
	}
	d.Link, d.LinkEmail = link, user.Email
	return nil
}

func randomPassword() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (u *UI) memberRole(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	role, err := store.ParseRole(r.PostFormValue("role"))
	if err != nil {
		return badRequest("Choose member or admin.")
	}
	if err := u.store.SetRole(r.Context(), v.TenantID, id, role); err != nil {
		if errors.Is(err, store.ErrInvalid) {
			return badRequest("The last admin cannot be demoted; make someone else admin first.")
		}
		return err
	}
	http.Redirect(w, r, "/settings/members?done=role", http.StatusSeeOther)
	return nil
}

// memberResetLink makes a password-reset link for a member who cannot
// receive mail, shown once to the admin.
func (u *UI) memberResetLink(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	user, err := u.store.GetUser(r.Context(), v.TenantID, id)
	if err != nil {
		return err
	}
	var d membersData
	if err := u.handOutResetLink(r, v, user, &d); err != nil {
		return err
	}
	return u.showMembers(w, r, v, http.StatusOK, d)
}

func (u *UI) memberRemove(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	if err := u.store.RemoveMember(r.Context(), v.TenantID, id); err != nil {
		if errors.Is(err, store.ErrInvalid) {
			return badRequest("The last admin cannot be removed.")
		}
		return err
	}
	if id == v.UserID {
		u.clearSessionCookie(w)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/settings/members?done=removed", http.StatusSeeOther)
	return nil
}
