package app

import (
	"context"
	"crypto/rand"
	"errors"
	"net/mail"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// ListMembers lists the tenant's people with their roles (admin).
func (a *App) ListMembers(ctx context.Context, p *Principal) ([]store.Member, error) {
	if err := requireAdmin(p, "see the members"); err != nil {
		return nil, err
	}
	return a.store.ListMembers(ctx, p.TenantID)
}

// MemberInput adds a person.
type MemberInput struct {
	Email, Name string
	// Role is "admin" or "member"; empty means member.
	Role string
}

// AddedMember is a new membership. For a new account, Link is the one-day
// link to choose a password when no mail carried it (shown once, for the
// admin to pass on); Mailed says it went by mail.
type AddedMember struct {
	Member store.Member
	Link   string
	Mailed bool
}

// AddMember adds a person to the tenant (admin). A person without an
// account gets one with an unusable random password and an invitation: a
// password-reset link valid for a day, mailed when mail goes out.
func (a *App) AddMember(ctx context.Context, p *Principal, in MemberInput) (*AddedMember, error) {
	if err := requireAdmin(p, "add members"); err != nil {
		return nil, err
	}
	in.Email, in.Name = strings.TrimSpace(in.Email), strings.TrimSpace(in.Name)
	var fields []FieldError
	if addr, err := mail.ParseAddress(in.Email); err != nil || addr.Address != in.Email {
		fields = append(fields, FieldError{"email", "enter an email address like ana@example.com"})
	}
	role := store.RoleMember
	if in.Role != "" {
		var err error
		if role, err = store.ParseRole(in.Role); err != nil {
			fields = append(fields, FieldError{"role", `must be "admin" or "member"`})
		}
	}
	if len(fields) > 0 {
		return nil, invalid("cannot add this member", fields...)
	}
	u, err := a.store.FindUserByEmail(ctx, in.Email)
	isNew := errors.Is(err, store.ErrNotFound)
	switch {
	case isNew:
		name := in.Name
		if name == "" {
			name, _, _ = strings.Cut(in.Email, "@")
		}
		if u, err = a.store.CreateUser(ctx, in.Email, name, rand.Text()+rand.Text()); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	if err := a.store.AddMember(ctx, p.TenantID, u.ID, role); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, conflictErr("this person is already a member", FieldError{"email", "already a member"})
		}
		return nil, err
	}
	out := &AddedMember{Member: store.Member{User: *u, Role: role, CreatedAt: a.cfg.now()}}
	if isNew {
		if err := a.handOutLink(ctx, p, u, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MemberResetLink makes a password-reset link for a member who cannot
// receive mail (admin), mailed when mail goes out, else returned once.
func (a *App) MemberResetLink(ctx context.Context, p *Principal, user uuid.UUID) (*AddedMember, error) {
	if err := requireAdmin(p, "make reset links"); err != nil {
		return nil, err
	}
	u, err := a.store.GetUser(ctx, p.TenantID, user)
	if err != nil {
		return nil, err
	}
	out := &AddedMember{Member: store.Member{User: *u}}
	return out, a.handOutLink(ctx, p, u, out)
}

// handOutLink makes a link to choose a password and mails it, or puts it
// in out for the admin to pass on.
func (a *App) handOutLink(ctx context.Context, p *Principal, u *store.User, out *AddedMember) error {
	tok, err := a.store.CreateResetToken(ctx, u.ID)
	if err != nil {
		return err
	}
	link := a.resetLink(tok)
	if a.cfg.Mailer != nil {
		t, err := a.store.GetTenant(ctx, p.TenantID)
		if err != nil {
			return err
		}
		err = a.cfg.Mailer.Send(ctx, Mail{
			To:      u.Email,
			Subject: "You are invited to " + t.Name + " on Argus",
			Body: "You have access to " + t.Name + " on Argus.\n\nChoose your password here (the link works once, for one day):\n\n" +
				link + "\n",
		})
		if err == nil {
			out.Mailed = true
			return nil
		}
		a.log.Error("invitation mail not sent; the link goes to the admin instead", "error", err)
	}
	out.Link = link
	return nil
}

// SetRole changes a person's role (admin); the last admin stays admin.
func (a *App) SetRole(ctx context.Context, p *Principal, user uuid.UUID, role string) (*store.Member, error) {
	if err := requireAdmin(p, "change roles"); err != nil {
		return nil, err
	}
	r, err := store.ParseRole(role)
	if err != nil {
		return nil, invalid("unknown role", FieldError{"role", `must be "admin" or "member"`})
	}
	if err := a.store.SetRole(ctx, p.TenantID, user, r); err != nil {
		return nil, err
	}
	ms, err := a.store.ListMembers(ctx, p.TenantID)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if ms[i].User.ID == user {
			return &ms[i], nil
		}
	}
	return nil, notFound("no such member")
}

// RemoveMember ends a person's membership and their sessions in this
// tenant (admin); the last admin cannot be removed.
func (a *App) RemoveMember(ctx context.Context, p *Principal, user uuid.UUID) error {
	if err := requireAdmin(p, "remove members"); err != nil {
		return err
	}
	return a.store.RemoveMember(ctx, p.TenantID, user)
}
