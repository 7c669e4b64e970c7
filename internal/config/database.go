package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// secureSSLModes are the sslmode values that refuse an unencrypted
// connection.
var secureSSLModes = []string{"require", "verify-ca", "verify-full"}

// CheckDatabaseTLS refuses a DATABASE_URL that would talk to a database on
// another machine without TLS, as the trust center promises ("SSL required
// for production connections"): every host that is not this machine (a
// loopback address, localhost or a Unix socket) needs sslmode=require,
// verify-ca or verify-full. ARGUS_DEVELOPMENT=true lifts the rule.
func (c *Config) CheckDatabaseTLS() error {
	if c.DatabaseURL == "" || c.Development {
		return nil
	}
	u, err := url.Parse(c.DatabaseURL)
	if err != nil {
		return nil // reported by the setting itself
	}
	q := u.Query()
	mode := q.Get("sslmode")
	for _, m := range secureSSLModes {
		if mode == m {
			return nil
		}
	}
	hosts := strings.Split(u.Host, ",")
	if h := q.Get("host"); h != "" {
		hosts = append(hosts, strings.Split(h, ",")...)
	}
	for _, h := range hosts {
		if host := hostOnly(h); host != "" && !thisMachine(host) {
			shown := mode
			if shown == "" {
				shown = "not set"
			}
			return &Error{Env: DatabaseURL.Env, Flag: DatabaseURL.Flag,
				Problem: fmt.Sprintf("connects to %s without TLS (sslmode %s); add sslmode=require (or verify-full) to the URL, or set ARGUS_DEVELOPMENT=true for a test setup", host, shown),
				Example: "postgres://argus:…@db.internal:5432/argus?sslmode=verify-full"}
		}
	}
	return nil
}

// hostOnly strips a port from a host of a connection URL.
func hostOnly(h string) string {
	h = strings.TrimSpace(h)
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.Trim(h, "[]")
}

// thisMachine reports whether a database host is on this machine.
func thisMachine(host string) bool {
	if strings.HasPrefix(host, "/") || strings.EqualFold(host, "localhost") {
		return true // a Unix socket directory, or the loopback name
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// UseEmbeddedDatabase points the configuration at a database this process
// started itself (argus serve without DATABASE_URL). Its password is masked
// in logs like a given DATABASE_URL's.
func (c *Config) UseEmbeddedDatabase(raw string) {
	c.DatabaseURL = raw
	c.rememberSecret(raw)
}

// UseSecretKey sets a secret key kept by this process (argus serve keeps a
// generated one in ARGUS_DATA_DIR for the embedded database).
func (c *Config) UseSecretKey(key []byte) {
	c.SecretKey = key
}
