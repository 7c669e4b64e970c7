package config

import (
	"strings"
	"testing"
)

func TestCheckDatabaseTLS(t *testing.T) {
	for raw, ok := range map[string]bool{
		"postgres://argus:pw@127.0.0.1:5432/argus?sslmode=disable":  true,
		"postgres://argus:pw@localhost/argus":                       true,
		"postgres://argus:pw@[::1]:5432/argus":                      true,
		"postgres:///argus?host=/var/run/postgresql":                true,
		"postgres://argus:pw@db.internal:5432/argus":                false,
		"postgres://argus:pw@db.internal:5432/argus?sslmode=prefer": false,
		"postgres://argus:pw@10.1.2.3/argus?sslmode=disable":        false,
		"postgres://argus:pw@db.internal/argus?sslmode=require":     true,
		"postgres://argus:pw@db.internal/argus?sslmode=verify-full": true,
		"postgres://argus:pw@127.0.0.1,db.internal/argus":           false,
		"postgres:///argus?host=db.internal":                        false,
	} {
		c := &Config{DatabaseURL: raw}
		err := c.CheckDatabaseTLS()
		if (err == nil) != ok {
			t.Errorf("%s: %v, want ok=%v", raw, err, ok)
		}
		if err != nil && (!strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "sslmode=require") || strings.Contains(err.Error(), ":pw@")) {
			t.Errorf("%s: the message must name the setting and the fix, not the password: %v", raw, err)
		}
		c.Development = true
		if err := c.CheckDatabaseTLS(); err != nil {
			t.Errorf("%s in development: %v", raw, err)
		}
	}
}
