package app

import (
	"strconv"

	"github.com/argusqa/argus/store"
)

// PageRequest asks for one page of a long list, as a client sends it.
type PageRequest struct {
	// Cursor is the next_cursor of the previous page; empty for the first.
	Cursor string
	// Limit is the page size as given ("" for the default of 50; 1 to
	// 200).
	Limit string
}

func (r PageRequest) parse() (*store.Cursor, int, error) {
	after, err := store.ParseCursor(r.Cursor)
	if err != nil {
		return nil, 0, invalid("bad cursor", FieldError{"cursor", "not a cursor this server gave out; start again from the first page"})
	}
	limit := 0
	if r.Limit != "" {
		n, err := strconv.Atoi(r.Limit)
		if err != nil || n < 1 || n > store.MaxPageSize {
			return nil, 0, invalid("bad limit", FieldError{"limit", "must be a whole number from 1 to 200"})
		}
		limit = n
	}
	return after, limit, nil
}
