package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/store"
)

func TestAPIKeys(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")

	k := w.key
	if !strings.HasPrefix(k.Plaintext, "argus_") || !strings.HasPrefix(k.Plaintext, k.DisplayPrefix) {
		t.Fatalf("key %q prefix %q", k.Plaintext, k.DisplayPrefix)
	}
	var stored string
	if err := s.Pool().QueryRow(ctx, `SELECT key_hash FROM api_keys WHERE id = $1`, k.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == k.Plaintext || strings.Contains(stored, k.Plaintext[6:]) {
		t.Fatal("plaintext key stored")
	}

	got, err := s.LookupAPIKey(ctx, k.Plaintext)
	if err != nil || got.ID != k.ID || got.TenantID != w.tenant.ID || got.Role != store.RoleMember || got.LastUsedAt == nil {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	if got.Plaintext != "" {
		t.Fatal("lookup returned a plaintext")
	}
	altered := []byte(k.Plaintext)
	altered[10] = 'a' + (altered[10]-'a'+1)%26
	for _, bad := range []string{"", "argus_nope", string(altered), "Bearer " + k.Plaintext} {
		if _, err := s.LookupAPIKey(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("lookup %q: %v", bad, err)
		}
	}

	soon := time.Now().Add(time.Hour)
	exp, err := s.CreateAPIKey(ctx, w.tenant.ID, store.NewAPIKey{Name: "short-lived", ExpiresAt: &soon, Role: store.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupAPIKey(ctx, exp.Plaintext); err != nil {
		t.Fatalf("unexpired key refused: %v", err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, exp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupAPIKey(ctx, exp.Plaintext); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("expired key: %v", err)
	}

	if err := s.RevokeAPIKey(ctx, w.tenant.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, w.tenant.ID, k.ID); err != nil {
		t.Fatalf("second revoke: %v", err)
	}
	if _, err := s.LookupAPIKey(ctx, k.Plaintext); !errors.Is(err, store.ErrRevoked) || !store.IsAuthError(err) {
		t.Fatalf("revoked key: %v", err)
	}

	past := time.Now().Add(-time.Hour)
	if _, err := s.CreateAPIKey(ctx, w.tenant.ID, store.NewAPIKey{Name: "x", ExpiresAt: &past}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("key expiring in the past: %v", err)
	}
	keys, err := s.ListAPIKeys(ctx, w.tenant.ID)
	if err != nil || len(keys) != 2 || keys[0].Name != "short-lived" {
		t.Fatalf("list: %+v %v", keys, err)
	}
	for _, key := range keys {
		if key.Plaintext != "" {
			t.Fatal("list returned plaintext")
		}
	}
}

func TestSessions(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")
	sess := w.session
	if len(sess.Token) != 64 || sess.Role != store.RoleAdmin {
		t.Fatalf("session %+v", sess)
	}
	if d := sess.ExpiresAt.Sub(sess.CreatedAt); d != 7*24*time.Hour {
		t.Fatalf("session lasts %v, want 7 days", d)
	}
	got, err := s.LookupSession(ctx, sess.Token)
	if err != nil || got.UserID != w.admin.ID || got.TenantID != w.tenant.ID {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	if _, err := s.LookupSession(ctx, strings.Repeat("0", 64)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown session: %v", err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE user_sessions SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupSession(ctx, sess.Token); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("expired session: %v", err)
	}
	fresh, _ := s.CreateSession(ctx, w.admin.ID, w.tenant.ID)
	if err := s.DeleteSession(ctx, fresh.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupSession(ctx, fresh.Token); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session after logout: %v", err)
	}
	stranger, _ := s.CreateUser(ctx, "stranger@example.com", "", "stranger's password")
	if _, err := s.CreateSession(ctx, stranger.ID, w.tenant.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session for a non-member: %v", err)
	}
}

func TestPasswordReset(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")
	tok, err := s.CreateResetToken(ctx, w.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResetPassword(ctx, tok, "short"); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("short password: %v", err)
	}
	user, err := s.ResetPassword(ctx, tok, "brand new password")
	if err != nil || user != w.admin.ID {
		t.Fatalf("reset: %v", err)
	}
	if _, err := s.Authenticate(ctx, w.admin.Email, "brand new password"); err != nil {
		t.Fatalf("login with new password: %v", err)
	}
	if _, err := s.LookupSession(ctx, w.session.Token); err == nil {
		t.Fatal("sessions survive a password reset")
	}
	if _, err := s.ResetPassword(ctx, tok, "another new password"); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("token used twice: %v", err)
	}
	old, _ := s.CreateResetToken(ctx, w.admin.ID)
	if _, err := s.Pool().Exec(ctx, `UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE consumed_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResetPassword(ctx, old, "another new password"); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("expired token: %v", err)
	}
}

func TestOAuthStates(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")
	state, err := s.CreateOAuthState(ctx, w.tenant.ID, store.OAuthState{UserID: &w.admin.ID, Provider: "m365", RedirectURL: "/settings"})
	if err != nil {
		t.Fatal(err)
	}
	var ttl time.Duration
	if err := s.Pool().QueryRow(ctx, `SELECT extract(epoch FROM expires_at - created_at)::int * interval '1 second' FROM oauth_states`).Scan(&ttl); err != nil {
		t.Fatal(err)
	}
	if ttl != 10*time.Minute {
		t.Fatalf("OAuth state lasts %v, want 10 minutes", ttl)
	}
	got, err := s.ConsumeOAuthState(ctx, state)
	if err != nil || got.TenantID != w.tenant.ID || got.Provider != "m365" || got.RedirectURL != "/settings" {
		t.Fatalf("consume: %+v %v", got, err)
	}
	if _, err := s.ConsumeOAuthState(ctx, state); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("state used twice: %v", err)
	}
}

func TestPurgeExpired(t *testing.T) {
	ctx := t.Context()
	s, err := store.New(ctx, pgtest.Migrated(t), store.Config{
		Keyring: newKeyring(t), BcryptCost: 4,
		SessionTTL: time.Second, ResetTokenTTL: time.Second, OAuthStateTTL: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	w := makeWorld(t, s, "acme")
	if _, err := s.CreateResetToken(ctx, w.admin.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateOAuthState(ctx, w.tenant.ID, store.OAuthState{Provider: "github"}); err != nil {
		t.Fatal(err)
	}
	// Age the rows instead of sleeping past their short lifetimes.
	for _, q := range []string{
		`UPDATE user_sessions SET created_at = created_at - interval '2 seconds', expires_at = expires_at - interval '2 seconds'`,
		`UPDATE password_reset_tokens SET expires_at = expires_at - interval '2 seconds'`,
		`UPDATE oauth_states SET expires_at = expires_at - interval '2 seconds'`,
	} {
		if _, err := s.Pool().Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	live, _ := s.CreateSession(ctx, w.admin.ID, w.tenant.ID)
	n, err := s.PurgeExpired(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != (store.PurgeCounts{Sessions: 1, ResetTokens: 1, OAuthStates: 1}) {
		t.Fatalf("purged %+v", n)
	}
	if _, err := s.LookupSession(ctx, live.Token); err != nil {
		t.Fatalf("live session purged: %v", err)
	}
}
