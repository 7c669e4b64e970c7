package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/store"
)

// connect opens a pool and checks the server answers, so a wrong URL fails
// with a clear message instead of on the first query.
func connect(ctx context.Context, cfg *config.Config) (*pgxpool.Pool, error) {
	if err := cfg.CheckDatabaseTLS(); err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, &usageError{msg: fmt.Sprintf("DATABASE_URL: %v", err)}
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at DATABASE_URL: %w (is the server running and the URL right?)", err)
	}
	return pool, nil
}

// openStore connects and builds a Store; the keyring is included when the
// configuration has a secret key.
func openStore(ctx context.Context, cfg *config.Config) (*store.Store, func(), error) {
	pool, err := connect(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	scfg := store.Config{Logger: cfg.Logger(nil)}
	if len(cfg.SecretKey) > 0 {
		kr, err := seal.NewKeyring(cfg.SecretKeyID, cfg.SecretKey, cfg.OldSecretKeys)
		if err != nil {
			pool.Close()
			return nil, nil, &usageError{msg: err.Error()}
		}
		scfg.Keyring = kr
	}
	s, err := store.New(ctx, pool, scfg)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return s, pool.Close, nil
}
