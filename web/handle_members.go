package web

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

type membersData struct {
	Members []store.Member
	Form    inviteForm
	// Link is a reset link just made for LinkEmail: shown in this response
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
	ms, err := u.app.ListMembers(r.Context(), v.p)
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
// sees and a one-day link to choose their own, mailed when mail goes out
// and otherwise shown once to the admin.
func (u *UI) memberInvite(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := inviteForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), Errors: map[string]string{}}
	added, err := u.app.AddMember(r.Context(), v.p, app.MemberInput{Email: f.Email, Name: f.Name, Role: f.Role})
	if err != nil {
		if !fieldErrors(err, f.Errors, nil) {
			return err
		}
		return u.showMembers(w, r, v, statusOf(err), membersData{Form: f})
	}
	d := membersData{Flash: added.Member.User.Email + " was added as " + string(added.Member.Role) + ".", Link: added.Link, Mailed: added.Mailed}
	if added.Link != "" || added.Mailed {
		d.LinkEmail = added.Member.User.Email
	}
	return u.showMembers(w, r, v, http.StatusCreated, d)
}

func (u *UI) memberRole(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	if _, err := u.app.SetRole(r.Context(), v.p, id, r.PostFormValue("role")); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/members?done=role", http.StatusSeeOther)
	return nil
}

// memberResetLink makes a password-reset link for a member who cannot
// receive mail, shown once to the admin (or mailed when mail goes out).
func (u *UI) memberResetLink(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	out, err := u.app.MemberResetLink(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	return u.showMembers(w, r, v, http.StatusOK, membersData{Link: out.Link, Mailed: out.Mailed, LinkEmail: out.Member.User.Email})
}

func (u *UI) memberRemove(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	if err := u.app.RemoveMember(r.Context(), v.p, id); err != nil {
		return err
	}
	if id == v.UserID {
		http.SetCookie(w, u.app.ClearSessionCookie())
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/settings/members?done=removed", http.StatusSeeOther)
	return nil
}
