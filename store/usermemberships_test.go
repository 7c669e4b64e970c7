package store_test

import (
	"testing"

	"github.com/argusqa/argus/store"
)

func TestUserMemberships(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	a := makeWorld(t, s, "beta")
	b := makeWorld(t, s, "alpha")
	// a's admin joins b as a member; b's admin stays in b only.
	if err := s.AddMember(ctx, b.tenant.ID, a.admin.ID, store.RoleMember); err != nil {
		t.Fatal(err)
	}
	ms, err := s.UserMemberships(ctx, a.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Tenant.ID != b.tenant.ID || ms[0].Role != store.RoleMember ||
		ms[1].Tenant.ID != a.tenant.ID || ms[1].Role != store.RoleAdmin {
		t.Fatalf("memberships of a's admin = %+v; want alpha (member) then beta (admin)", ms)
	}
	ms, err = s.UserMemberships(ctx, b.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Tenant.ID != b.tenant.ID || ms[0].Tenant.Slug != b.tenant.Slug {
		t.Fatalf("memberships of b's admin = %+v; want only alpha", ms)
	}
	if err := s.RemoveMember(ctx, b.tenant.ID, a.admin.ID); err != nil {
		t.Fatal(err)
	}
	if ms, _ = s.UserMemberships(ctx, a.admin.ID); len(ms) != 1 {
		t.Fatalf("after removal: %+v", ms)
	}
}
