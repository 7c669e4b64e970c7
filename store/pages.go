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
	return allPages(func(after *Cursor) ([]Test, *Cursor, error) {
		f.After, f.Limit = after, MaxPageSize
		return s.ListTests(ctx, tenant, f)
	})
}

// AllRuns walks every run matching f, newest first, a page at a time;
// f.After and f.Limit are ignored.
func (s *Store) AllRuns(ctx context.Context, tenant uuid.UUID, f RunFilter) iter.Seq2[*Run, error] {
	return allPages(func(after *Cursor) ([]Run, *Cursor, error) {
		f.After, f.Limit = after, MaxPageSize
		return s.ListRuns(ctx, tenant, f)
	})
}

// allPages walks the pages page returns, from the first (after nil) to
// the one without a next cursor.
func allPages[T any](page func(after *Cursor) ([]T, *Cursor, error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		var after *Cursor
		for {
			rows, next, err := page(after)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range rows {
				if !yield(&rows[i], nil) {
					return
				}
			}
			if next == nil {
				return
			}
			after = next
		}
	}
}
