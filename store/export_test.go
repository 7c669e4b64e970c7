package store

// WithoutRLS returns a copy of s whose tenant transactions run as the
// connection's own role, which row-level security does not restrict, so a
// test can check the explicit tenant filters alone.
func WithoutRLS(s *Store) *Store {
	c := *s
	c.withoutRLS = true
	return &c
}

// DummyHash is the hash Authenticate checks an unknown email's password
// against.
func DummyHash(s *Store) string { return s.dummyHash }
