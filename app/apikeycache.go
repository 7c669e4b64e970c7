package app

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// apiKeyCache remembers recent API key lookups for a few seconds, so a
// busy CI pipeline does not cost a database transaction per request before
// the request's own work. Failed lookups are cached too, so a flood of bad
// keys does not reach the database either.
type apiKeyCache struct {
	ttl    time.Duration
	lookup func(ctx context.Context, presented string) (*store.APIKey, error)
	now    func() time.Time

	mu      sync.Mutex
	entries map[[32]byte]apiKeyEntry
}

type apiKeyEntry struct {
	key   *store.APIKey
	err   error
	until time.Time
}

// maxCachedKeys bounds the cache; past it the cache starts over.
const maxCachedKeys = 10_000

func (c *apiKeyCache) get(ctx context.Context, presented string) (*store.APIKey, error) {
	if c.ttl < 0 {
		return c.lookup(ctx, presented)
	}
	// The map key is a hash so the cache holds no plaintext keys.
	id := sha256.Sum256([]byte(presented))
	now := c.now()
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if !ok || now.After(e.until) {
		k, err := c.lookup(ctx, presented)
		if err != nil && !store.IsAuthError(err) {
			return nil, err // a database problem is not an answer to remember
		}
		e = apiKeyEntry{key: k, err: err, until: now.Add(c.ttl)}
		c.mu.Lock()
		if len(c.entries) >= maxCachedKeys {
			clear(c.entries)
		}
		c.entries[id] = e
		c.mu.Unlock()
	}
	if e.err != nil {
		return nil, e.err
	}
	if e.key.ExpiresAt != nil && !e.key.ExpiresAt.After(now) {
		return nil, store.ErrExpired
	}
	return e.key, nil
}

// forget drops a key, after it was revoked through this process.
func (c *apiKeyCache) forget(key uuid.UUID) {
	c.forgetIf(func(k *store.APIKey) bool { return k.ID == key })
}

// forgetTenant drops every key of a tenant, after the tenant was deleted.
func (c *apiKeyCache) forgetTenant(tenant uuid.UUID) {
	c.forgetIf(func(k *store.APIKey) bool { return k.TenantID == tenant })
}

func (c *apiKeyCache) forgetIf(match func(*store.APIKey) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.entries {
		if e.key != nil && match(e.key) {
			delete(c.entries, id)
		}
	}
}
