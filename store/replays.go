package store

import (
	"context"
	"encoding/json"
	"regexp"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Replay is a test's saved replay: the actions of its last passing model
// run, repeated by the next run with no model call. The store keeps it as
// JSON (agent.MarshalReplay's format) without interpreting it, so the store
// does not depend on the agent.
type Replay struct {
	TestID uuid.UUID
	// Key is the content hash of the test the replay was recorded from
	// (suite.Test.Hash). A replay whose key differs from the test's
	// current hash belongs to an older version of the test.
	Key       string
	Data      json.RawMessage
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MaxReplayBytes bounds a stored replay. A replay of the agent's maximum
// 115 iterations is a few tens of kilobytes.
const MaxReplayBytes = 1 << 20

var replayKeyPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

const replayColumns = `test_id, content_key, replay, created_at, updated_at`

func scanReplay(r pgx.Row) (Replay, error) {
	var x Replay
	err := r.Scan(&x.TestID, &x.Key, &x.Data, &x.CreatedAt, &x.UpdatedAt)
	return x, err
}

// GetReplay returns the replay saved for one of tenant's tests, or
// ErrNotFound when it has none.
func (s *Store) GetReplay(ctx context.Context, tenant, test uuid.UUID) (*Replay, error) {
	return oneInTenant(ctx, s, tenant, "get replay", scanReplay, `SELECT `+replayColumns+` FROM replays WHERE tenant_id = $1 AND test_id = $2`, tenant, test)
}

// PutReplay saves the replay of one of tenant's tests, replacing the one
// saved before. key is the test's content hash; data is the replay as JSON.
func (s *Store) PutReplay(ctx context.Context, tenant, test uuid.UUID, key string, data []byte) (*Replay, error) {
	if !replayKeyPattern.MatchString(key) {
		return nil, invalidf("put replay", "key", "key must be a hex SHA-256")
	}
	if len(data) > MaxReplayBytes {
		return nil, invalidf("put replay", "data", "%d bytes, more than %d", len(data), MaxReplayBytes)
	}
	if !json.Valid(data) {
		return nil, invalidf("put replay", "data", "not JSON")
	}
	return oneInTenant(ctx, s, tenant, "put replay", scanReplay, `
			INSERT INTO replays (tenant_id, test_id, content_key, replay)
			VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id, test_id) DO UPDATE
			SET content_key = excluded.content_key, replay = excluded.replay, updated_at = now()
			RETURNING `+replayColumns, tenant, test, key, json.RawMessage(data))
}
