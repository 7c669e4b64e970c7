package store_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argusqa/argus/internal/pgcluster"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/token"
	"github.com/argusqa/argus/store"
)

// TestDumpHoldsNoPlaintext dumps a database holding secrets, webhook and
// integration tokens, API keys, sessions, reset tokens and passwords, and
// checks the dump has none of their plaintext values — but does have their
// stored forms, so the check looks at real data.
func TestDumpHoldsNoPlaintext(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dbURL := pgtest.MigratedURL(t)
	pool := poolFor(t, dbURL)
	s, err := store.New(ctx, pool, store.Config{Keyring: newKeyring(t), BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	w := makeWorld(t, s, "acme")
	reset, err := s.CreateResetToken(ctx, w.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	state, err := s.CreateOAuthState(ctx, w.tenant.ID, store.OAuthState{Provider: "github"})
	if err != nil {
		t.Fatal(err)
	}

	bin, err := pgcluster.FindBinDir("")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, filepath.Join(bin, "pg_dump"), "--data-only", "--inserts", dbURL).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	dump := string(out)

	plaintexts := map[string]string{
		"secret value":        "pw-acme-value",
		"webhook secret":      "whsec_acme",
		"integration token":   "ghs_acme",
		"api key":             w.key.Plaintext,
		"session token":       w.session.Token,
		"reset token":         reset,
		"oauth state":         state,
		"password":            "correct horse acme",
		"api key (body only)": strings.TrimPrefix(w.key.Plaintext, token.APIKeyPrefix),
		"mail link token":     "tok-acme",
		"mail subject":        w.mail.Subject,
		"mail code":           "314159",
	}
	for what, value := range plaintexts {
		if strings.Contains(dump, value) {
			t.Errorf("pg_dump contains the plaintext %s", what)
		}
	}
	for what, stored := range map[string]string{
		"api key hash":     token.Hash(w.key.Plaintext),
		"session hash":     token.Hash(w.session.Token),
		"reset token hash": token.Hash(reset),
		"user email":       w.admin.Email,
		"mail recipient":   w.mail.To,
	} {
		if !strings.Contains(dump, stored) {
			t.Errorf("pg_dump lacks the %s; is the dump complete?", what)
		}
	}
}
