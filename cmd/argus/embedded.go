package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/internal/pgcluster"
	"github.com/argusqa/argus/migrations"
	"github.com/argusqa/argus/store"
)

// The embedded database: `argus serve` with no DATABASE_URL runs its own
// PostgreSQL cluster (Debian's binaries, internal/pgcluster in persistent
// mode) in ARGUS_DATA_DIR, so a newcomer sees the UI without setting up a
// database. It is for one machine: workers elsewhere cannot reach it.

// embeddedDatabase is the database name inside the embedded cluster.
const embeddedDatabase = "argus"

// firstAdminEmail and firstTenantName are what the first start of an
// embedded database creates.
const (
	firstAdminEmail = "admin@localhost"
	firstTenantName = "Default"
)

// secretKeyFile keeps the generated ARGUS_SECRET_KEY of an embedded setup,
// inside ARGUS_DATA_DIR. Losing it loses the stored credentials; it is
// kept beside the database it opens, and backed up with it.
const secretKeyFile = "secret-key"

// startEmbedded starts (or restarts) the embedded cluster, migrates it and
// points cfg at it. stop shuts the cluster down cleanly; call it after
// everything that uses the database is closed.
func startEmbedded(ctx context.Context, w io.Writer, cfg *config.Config, log *slog.Logger) (stop func(), err error) {
	dir := filepath.Join(cfg.DataDir, "postgres")
	fmt.Fprintf(w, "argus: no DATABASE_URL given: using the embedded PostgreSQL in %s.\n"+
		"  This mode is for one machine. To scale out (workers on other hosts) or for production, run a\n"+
		"  PostgreSQL server, move the data with pg_dump/pg_restore, and set DATABASE_URL (and ARGUS_SECRET_KEY\n"+
		"  from %s).\n", dir, filepath.Join(cfg.DataDir, secretKeyFile))
	cluster, err := pgcluster.Start(ctx, pgcluster.Config{Dir: dir, Persistent: true, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("embedded PostgreSQL: %w", err)
	}
	stop = func() {
		if err := cluster.Stop(); err != nil {
			log.Warn("stopping the embedded PostgreSQL", "error", err)
		}
	}
	if err := prepareEmbedded(ctx, cluster, cfg, log); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

func prepareEmbedded(ctx context.Context, cluster *pgcluster.Cluster, cfg *config.Config, log *slog.Logger) error {
	if err := cluster.EnsureDatabase(ctx, embeddedDatabase); err != nil {
		return fmt.Errorf("embedded PostgreSQL: %w", err)
	}
	cfg.UseEmbeddedDatabase(cluster.URL(embeddedDatabase))
	if len(cfg.SecretKey) == 0 {
		key, err := keptSecretKey(filepath.Join(cfg.DataDir, secretKeyFile))
		if err != nil {
			return err
		}
		cfg.UseSecretKey(key)
	}
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("embedded PostgreSQL: %w", err)
	}
	defer pool.Close()
	m, err := migrations.New(pool, log)
	if err != nil {
		return err
	}
	applied, err := m.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate the embedded database: %w", err)
	}
	for _, mig := range applied {
		log.Info("migrated the embedded database", "version", mig.Version, "name", mig.Name)
	}
	return nil
}

// keptSecretKey reads the secret key kept at path, generating it on first
// use.
func keptSecretKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		// O_EXCL: two first starts cannot write different keys (the second
		// fails on the cluster lock anyway, but the key must never change).
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("keep the secret key: %w", err)
		}
		_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("keep the secret key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the secret key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s is not 32 bytes of base64; restore it from a backup (the stored credentials need it)", path)
	}
	return key, nil
}

// firstStart creates the first administrator when the database has no
// account at all, and prints how to sign in. The password is generated and
// shown only here; with any account present it does nothing, so it happens
// once per database.
func firstStart(ctx context.Context, w io.Writer, st *store.Store, publicURL string) error {
	has, err := st.HasUsers(ctx)
	if err != nil || has {
		return err
	}
	t, u, password, err := createFirstAdmin(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nargus: first start: created the administrator of tenant %q.\n"+
		"  Sign in at %s\n  e-mail:   %s\n  password: %s\n"+
		"  The password is shown this once; invite your team from the Members page.\n\n",
		t.Name, publicURL, u.Email, password)
	return nil
}

// createFirstAdmin creates the first tenant (unless it exists) and its
// administrator with a generated password.
func createFirstAdmin(ctx context.Context, st *store.Store) (*store.Tenant, *store.User, string, error) {
	t, err := st.FindTenant(ctx, store.Slugify(firstTenantName))
	if errors.Is(err, store.ErrNotFound) {
		t, err = st.CreateTenant(ctx, firstTenantName, "")
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("first start: %w", err)
	}
	password := generatePassword()
	u, err := st.CreateUser(ctx, firstAdminEmail, "Administrator", password)
	if err != nil {
		return nil, nil, "", fmt.Errorf("first start: %w", err)
	}
	if err := st.AddMember(ctx, t.ID, u.ID, store.RoleAdmin); err != nil {
		return nil, nil, "", fmt.Errorf("first start: %w", err)
	}
	return t, u, password, nil
}
