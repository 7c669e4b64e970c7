package store

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Cursor marks a position in a newest-first list: the (created_at, id) of
// the last row of the previous page. It is opaque to API clients.
type Cursor struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// String encodes c for a URL.
func (c Cursor) String() string {
	raw := strconv.FormatInt(c.CreatedAt.UnixMicro(), 10) + "." + c.ID.String()
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseCursor decodes a cursor from a URL. The empty string is the first
// page (nil).
func ParseCursor(s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, invalidf("", "cursor", "cursor is not one this server handed out")
	}
	micros, id, ok := strings.Cut(string(raw), ".")
	us, err1 := strconv.ParseInt(micros, 10, 64)
	uid, err2 := uuid.Parse(id)
	if !ok || err1 != nil || err2 != nil {
		return nil, invalidf("", "cursor", "cursor is not one this server handed out")
	}
	return &Cursor{CreatedAt: time.UnixMicro(us), ID: uid}, nil
}

// Page limits.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

func pageSize(n int) int {
	if n <= 0 {
		return DefaultPageSize
	}
	return min(n, MaxPageSize)
}

// cursorArgs turns an optional cursor into SQL arguments for
// "(created_at, id) < ($n, $n+1)" with NULLs meaning "from the start".
func cursorArgs(c *Cursor) (*time.Time, *uuid.UUID) {
	if c == nil {
		return nil, nil
	}
	return &c.CreatedAt, &c.ID
}
