package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// allRuns pages through a tenant's runs (of one project, or all with nil).
func (s *Server) allRuns(ctx context.Context, tenant uuid.UUID, project *uuid.UUID, fn func(*store.Run) error) error {
	var after *store.Cursor
	for {
		runs, next, err := s.store.ListRuns(ctx, tenant, store.RunFilter{ProjectID: project, After: after, Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		for i := range runs {
			if err := fn(&runs[i]); err != nil {
				return err
			}
		}
		if next == nil {
			return nil
		}
		after = next
	}
}

// allTests pages through the tests matching f.
func (s *Server) allTests(ctx context.Context, tenant uuid.UUID, f store.TestFilter) ([]store.Test, error) {
	var out []store.Test
	f.Limit = store.MaxPageSize
	for {
		tests, next, err := s.store.ListTests(ctx, tenant, f)
		if err != nil {
			return nil, err
		}
		out = append(out, tests...)
		if next == nil {
			return out, nil
		}
		f.After = next
	}
}
