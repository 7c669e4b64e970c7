package migrations

// ParseFS exposes parse to the external tests.
var ParseFS = parse
