package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/store"
)

const adminSynopsis = `admin <action> [flags]

Actions:
  create-tenant --name NAME [--slug SLUG]
  create-user   --tenant TENANT --email EMAIL [--name NAME] [--role admin|member] [--password-stdin]
  create-key    --tenant TENANT --name NAME [--role admin|member] [--expires 90d|2027-01-31]

TENANT is a tenant's slug or id. A new user gets a generated password,
printed once, unless --password-stdin reads one from standard input. A key
is printed once on standard output and never stored in plaintext.`

func runAdmin(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(e.stderr, "Usage: argus "+adminSynopsis)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return usagef("say which action: create-tenant, create-user or create-key")
	}
	action, args := args[0], args[1:]
	switch action {
	case "create-tenant":
		return adminCreateTenant(ctx, e, args)
	case "create-user":
		return adminCreateUser(ctx, e, args)
	case "create-key":
		return adminCreateKey(ctx, e, args)
	}
	return usagef("unknown admin action %q: say create-tenant, create-user or create-key", action)
}

var adminSettings = []config.Setting{config.DatabaseURL, config.Development, config.LogLevel, config.LogFormat}

func adminCreateTenant(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "admin create-tenant", "admin create-tenant --name NAME [--slug SLUG]")
	name := fs.String("name", "", "display name of the organisation (required)")
	slug := fs.String("slug", "", "short name used in URLs and commands (default: derived from the name)")
	cfg, rest, err := loadConfig(e, fs, args, adminSettings...)
	if err != nil {
		return err
	}
	if len(rest) > 0 || strings.TrimSpace(*name) == "" {
		return usagef("create-tenant needs --name and takes no other arguments")
	}
	s, closeDB, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	t, err := s.CreateTenant(ctx, *name, *slug)
	if err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, "created tenant %q (slug %s, id %s)\n", t.Name, t.Slug, t.ID)
	return nil
}

func adminCreateUser(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "admin create-user", "admin create-user --tenant TENANT --email EMAIL [--name NAME] [--role admin|member] [--password-stdin]")
	tenantRef := fs.String("tenant", "", "tenant slug or id (required)")
	email := fs.String("email", "", "the person's email address (required)")
	name := fs.String("name", "", "the person's name")
	roleName := fs.String("role", "admin", "role in the tenant: admin or member")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	cfg, rest, err := loadConfig(e, fs, args, adminSettings...)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *tenantRef == "" || *email == "" {
		return usagef("create-user needs --tenant and --email and takes no other arguments")
	}
	role, err := store.ParseRole(*roleName)
	if err != nil {
		return usagef("--role: %v", err)
	}
	password, generated := "", false
	if *fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return usagef("--password-stdin: no password on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = generatePassword(), true
	}

	s, closeDB, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	t, err := s.FindTenant(ctx, *tenantRef)
	if err != nil {
		return storeError(err)
	}
	u, err := s.FindUserByEmail(ctx, *email)
	switch {
	case err == nil:
		fmt.Fprintf(e.stderr, "%s already has an account; adding it to %s (password unchanged)\n", u.Email, t.Slug)
		generated = false
	case errors.Is(err, store.ErrNotFound):
		if u, err = s.CreateUser(ctx, *email, *name, password); err != nil {
			return storeError(err)
		}
	default:
		return err
	}
	if err := s.AddMember(ctx, t.ID, u.ID, role); err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, "%s is now %s of %s (user id %s)\n", u.Email, role, t.Slug, u.ID)
	if generated {
		fmt.Fprintf(e.stdout, "password: %s\n", password)
		fmt.Fprintln(e.stderr, "The password is shown once; ask the person to change it after the first login.")
	}
	return nil
}

func adminCreateKey(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "admin create-key", "admin create-key --tenant TENANT --name NAME [--role admin|member] [--expires 90d|2027-01-31]")
	tenantRef := fs.String("tenant", "", "tenant slug or id (required)")
	name := fs.String("name", "", "what the key is for, e.g. \"github-actions\" (required)")
	roleName := fs.String("role", "member", "role of the key: member (run and edit tests) or admin")
	expires := fs.String("expires", "", "expiry as a number of days (\"90d\") or a date (\"2027-01-31\"); default: never")
	cfg, rest, err := loadConfig(e, fs, args, adminSettings...)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *tenantRef == "" || strings.TrimSpace(*name) == "" {
		return usagef("create-key needs --tenant and --name and takes no other arguments")
	}
	role, err := store.ParseRole(*roleName)
	if err != nil {
		return usagef("--role: %v", err)
	}
	var expiresAt *time.Time
	if *expires != "" {
		at, err := parseExpiry(*expires, time.Now())
		if err != nil {
			return usagef("--expires: %v", err)
		}
		expiresAt = &at
	}
	s, closeDB, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	t, err := s.FindTenant(ctx, *tenantRef)
	if err != nil {
		return storeError(err)
	}
	k, err := s.CreateAPIKey(ctx, t.ID, store.NewAPIKey{Name: *name, Role: role, ExpiresAt: expiresAt})
	if err != nil {
		return storeError(err)
	}
	// The key alone on stdout, so KEY=$(argus admin create-key …) works.
	fmt.Fprintln(e.stdout, k.Plaintext)
	exp := "never expires"
	if k.ExpiresAt != nil {
		exp = "expires " + k.ExpiresAt.Format(time.DateOnly)
	}
	fmt.Fprintf(e.stderr, "created %s key %q for %s (%s). It is shown once and cannot be recovered; store it in your CI secrets as ARGUS_API_KEY.\n",
		k.Role, k.Name, t.Slug, exp)
	return nil
}

// parseExpiry reads "90d" (days from now) or a date.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 3650 {
			return time.Time{}, fmt.Errorf("%q: give 1d to 3650d", s)
		}
		return now.AddDate(0, 0, n), nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a number of days like 90d nor a date like 2027-01-31", s)
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("%s is not in the future", s)
	}
	return t, nil
}

func generatePassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// storeError marks store validation and lookup errors as the user's to fix.
func storeError(err error) error {
	if errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return &usageError{msg: err.Error()}
	}
	return err
}
