package store

import (
	"context"
	"iter"

	"github.com/google/uuid"
)

// AllTests walks every test matching f, newest first, a page at a time;
// f.After and f.Limit are ignored. It stops at the first error, which it
// yields once.
func (s *Store) AllTests(ctx context.Context, tenant uuid.UUID, f TestFilter) iter.Seq2[*Test, error] {
	return func(yield func(*Test, error) bool) {
		f.After, f.Limit = nil, MaxPageSize
		for {
			tests, next, err := s.ListTests(ctx, tenant, f)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range tests {
				if !yield(&tests[i], nil) {
					return
				}
			}
			if next == nil {
				return
			}
			f.After = next
		}
	}
}

// AllRuns walks every run matching f, newest first, a page at a time;
// f.After and f.Limit are ignored.
func (s *Store) AllRuns(ctx context.Context, tenant uuid.UUID, f RunFilter) iter.Seq2[*Run, error] {
	return func(yield func(*Run, error) bool) {
		f.After, f.Limit = nil, MaxPageSize
		for {
			runs, next, err := s.ListRuns(ctx, tenant, f)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range runs {
				if !yield(&runs[i], nil) {
					return
				}
			}
			if next == nil {
				return
			}
			f.After = next
		}
	}
}
