package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Step is one iteration of an agent: what it thought, what it did, what
// happened. Every text field is redacted before it is stored.
type Step struct {
	AgentID       uuid.UUID
	Attempt       int
	Index         int
	Thought       string
	Action        string
	Args          map[string]any
	Outcome       string
	URL           string
	ObserveMS     int
	ModelMS       int
	ActMS         int
	InputTokens   int
	OutputTokens  int
	ScreenshotKey string
	// Failed: the step's action did not work or its check did not hold.
	Failed    bool
	CreatedAt time.Time
}

const stepColumns = `agent_id, attempt, idx, thought, action, args, outcome, url, observe_ms, model_ms, act_ms,
	input_tokens, output_tokens, screenshot_key, failed, created_at`

func scanStep(r pgx.Row) (Step, error) {
	var st Step
	var args []byte
	err := r.Scan(&st.AgentID, &st.Attempt, &st.Index, &st.Thought, &st.Action, &args, &st.Outcome, &st.URL,
		&st.ObserveMS, &st.ModelMS, &st.ActMS, &st.InputTokens, &st.OutputTokens, &st.ScreenshotKey, &st.Failed, &st.CreatedAt)
	if err == nil {
		err = json.Unmarshal(args, &st.Args)
	}
	return st, err
}

// AppendStep records a step of one of tenant's agents.
func (s *Store) AppendStep(ctx context.Context, tenant uuid.UUID, st Step) (*Step, error) {
	if st.Args == nil {
		st.Args = map[string]any{}
	}
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) (err error) {
		st, err = scanStep(tx.QueryRow(ctx, `
			INSERT INTO steps (tenant_id, agent_id, attempt, idx, thought, action, args, outcome, url,
			                   observe_ms, model_ms, act_ms, input_tokens, output_tokens, screenshot_key, failed)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			RETURNING `+stepColumns,
			tenant, st.AgentID, st.Attempt, st.Index, st.Thought, st.Action, st.Args, st.Outcome, st.URL,
			st.ObserveMS, st.ModelMS, st.ActMS, st.InputTokens, st.OutputTokens, st.ScreenshotKey, st.Failed))
		return err
	})
	if err != nil {
		return nil, wrap("append step", err)
	}
	return &st, nil
}

// ListSteps lists an agent's steps, by attempt and index.
func (s *Store) ListSteps(ctx context.Context, tenant, agent uuid.UUID) ([]Step, error) {
	return allInTenant(ctx, s, tenant, "list steps", rowsOf(scanStep), `SELECT `+stepColumns+` FROM steps WHERE tenant_id = $1 AND agent_id = $2 ORDER BY attempt, idx`, tenant, agent)
}
